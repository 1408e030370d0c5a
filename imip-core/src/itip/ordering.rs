//! Which version wins (RFC 5546 §2.1.5): higher SEQUENCE, then later
//! DTSTAMP. The same rule serves organizer messages and replies.

use crate::model::StampedSequence;

/// How a received version compares with the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Supersedes what is stored.
    Newer,
    /// The very same version: a redelivery.
    Same,
    /// Older than what is stored: must not be applied (§4.1.2).
    Older,
}

pub(crate) fn compare(stored: StampedSequence, received: StampedSequence) -> Freshness {
    match received.cmp(&stored) {
        std::cmp::Ordering::Greater => Freshness::Newer,
        std::cmp::Ordering::Equal => Freshness::Same,
        std::cmp::Ordering::Less => Freshness::Older,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    fn v(sequence: i64, at: Option<i64>) -> StampedSequence {
        StampedSequence { sequence, dtstamp: at.map(Timestamp::from_seconds) }
    }

    #[test]
    fn sequence_decides_before_dtstamp() {
        assert_eq!(compare(v(1, Some(100)), v(2, Some(50))), Freshness::Newer);
        assert_eq!(compare(v(2, Some(50)), v(1, Some(100))), Freshness::Older);
    }

    #[test]
    fn dtstamp_breaks_ties() {
        assert_eq!(compare(v(1, Some(100)), v(1, Some(101))), Freshness::Newer);
        assert_eq!(compare(v(1, Some(100)), v(1, Some(100))), Freshness::Same);
        assert_eq!(compare(v(1, Some(100)), v(1, Some(99))), Freshness::Older);
        assert_eq!(compare(v(1, None), v(1, Some(1))), Freshness::Newer);
    }
}
