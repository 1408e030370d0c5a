//! MIME → iMIP extraction: any bytes give a typed result, never a panic;
//! every extracted part renders back to iCalendar and parses again.
#![no_main]

use imip_core::SchedulingObject;
use imip_core::imip::{MailLimits, extract};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = MailLimits {
        max_mail_bytes: 1 << 20,
        max_calendar_bytes: 256 << 10,
        max_parts: 8,
        ..MailLimits::default()
    };
    if let Ok(mail) = extract(data, &limits) {
        assert!(mail.parts.len() <= limits.max_parts);
        for part in &mail.parts {
            let text = part.object.to_ics();
            let again = SchedulingObject::parse(&text).expect("a rendered object parses again");
            assert_eq!(again.uid(), part.object.uid());
        }
    }
});
