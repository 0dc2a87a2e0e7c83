//! The calendars a queue's or an SLA's times may be counted in, as OTRS names them.

/// OTRS names its calendars "1" to "9"; "" is the default calendar.
pub(super) const CALENDARS: [&str; 10] = ["", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// A calendar name outside OTRS's "1" to "9" (a site's own), kept as it is.
pub(super) fn other_calendar(chosen: &str) -> Option<&str> {
    Some(chosen).filter(|c| !CALENDARS.contains(c))
}
