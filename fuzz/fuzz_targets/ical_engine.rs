//! iCalendar → engine input: any text that parses as a scheduling object
//! is decided on by the engine, as received by an attendee and by the
//! organizer (holding a stored copy of the same object), without a panic.
#![no_main]

use imip_core::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(message) = SchedulingObject::parse(text) else { return };
    let engine = Engine::new(Config::default()).unwrap();
    let now = Timestamp::from_seconds(1_740_000_000);
    let sender = message.organizer().map(|o| o.address);
    let principals = ["bob@example.com", "room@example.com"].map(|a| CalAddress::parse(a).unwrap());
    let organizer = message.organizer().map(|o| o.address).into_iter();
    for principal in principals.into_iter().chain(organizer) {
        let incoming = Incoming {
            principal: principal.clone(),
            senders: sender.clone().into_iter().chain(message.attendee_addresses()).collect(),
            message: message.clone(),
        };
        let input = Input::Incoming(incoming);
        let _ = engine.decide(now, &input, &Record::default(), &MemStore::new());
        let stored = Record { object: Some(message.clone()), ..Record::default() };
        let _ = engine.decide(now, &input, &stored, &MemStore::new());
    }
});
