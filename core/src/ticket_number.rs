//! OTRS ticket numbers: the four generators, the DateChecksum check digit, and finding
//! a number in a mail subject.
//!
//! The counter itself is allocated by the `TicketNumberCounter` port (OTRS keeps it in
//! `ticket_number_counter`); this module only turns a counter into a number.

use chrono::NaiveDate;
use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Generator {
    /// `YYYYMMDD` + SystemID + counter padded to 5 + check digit (OTRS's default).
    #[default]
    DateChecksum,
    /// `YYYYMMDD` + SystemID + counter.
    Date,
    /// SystemID + counter padded to MinCounterSize; never resets.
    AutoIncrement,
    /// SystemID + a random 10-digit number.
    Random,
}

impl Generator {
    /// Date-based generators restart their counter every day.
    pub fn is_date_based(self) -> bool {
        matches!(self, Self::DateChecksum | Self::Date)
    }

    /// Whether the generator draws on the shared counter at all.
    pub fn uses_counter(self) -> bool {
        self != Self::Random
    }
}

/// `Ticket::NumberGenerator`, `SystemID`, `MinCounterSize` and `Ticket::Hook` in OTRS.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketNumberConfig {
    pub generator: Generator,
    pub system_id: String,
    pub min_counter_size: usize,
    pub hook: String,
}

impl Default for TicketNumberConfig {
    fn default() -> Self {
        Self { generator: Generator::DateChecksum, system_id: "10".into(), min_counter_size: 5, hook: "Ticket#".into() }
    }
}

impl TicketNumberConfig {
    /// Builds the number for `counter` on `date` (ignored by the non-date generators).
    pub fn build(&self, counter: u64, date: NaiveDate) -> String {
        let day = date.format("%Y%m%d");
        let sid = &self.system_id;
        match self.generator {
            Generator::DateChecksum => {
                let base = format!("{day}{sid}{counter:05}");
                let check = check_digit(&base);
                format!("{base}{check}")
            }
            Generator::Date => format!("{day}{sid}{counter}"),
            Generator::AutoIncrement => format!("{sid}{counter:0width$}", width = self.min_counter_size),
            Generator::Random => {
                let n: u64 = rand::rng().random_range(0..10_000_000_000);
                format!("{sid}{n:010}")
            }
        }
    }

    /// Finds a ticket number of this system in a subject: `[Ticket#…]`, `Ticket#: …`.
    pub fn find_in_subject(&self, subject: &str) -> Option<String> {
        let mut rest = subject;
        while let Some(pos) = rest.find(self.hook.as_str()) {
            let after = &rest[pos + self.hook.len()..];
            let after = after.strip_prefix(':').unwrap_or(after);
            let trimmed = after.trim_start_matches(' ');
            let after = if after.len() - trimmed.len() <= 2 { trimmed } else { after };
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            if self.is_plausible(&digits) {
                return Some(digits);
            }
            rest = &rest[pos + self.hook.len()..];
        }
        None
    }

    /// Whether `tn` has the shape this generator produces for this system.
    pub fn is_plausible(&self, tn: &str) -> bool {
        if tn.is_empty() || !tn.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let sid = self.system_id.as_str();
        match self.generator {
            Generator::DateChecksum | Generator::Date => tn.len() > 8 + sid.len() && tn[8..].starts_with(sid),
            Generator::AutoIncrement | Generator::Random => tn.len() > sid.len() && tn.starts_with(sid),
        }
    }
}

/// The DateChecksum check digit: weights 1,2,1,2,… from the left, products summed as
/// they are; 10 − (sum mod 10), where 10 becomes 1.
pub fn check_digit(digits: &str) -> u32 {
    let sum: u32 = digits.bytes().enumerate().map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 2 }).sum();
    match 10 - sum % 10 {
        10 => 1,
        d => d,
    }
}

/// Whether a DateChecksum number's last digit is the check digit of the rest.
pub fn has_valid_checksum(tn: &str) -> bool {
    if tn.len() < 2 || !tn.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (base, check) = tn.split_at(tn.len() - 1);
    check_digit(base) == (check.as_bytes()[0] - b'0') as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_worked_example_holds() {
        assert_eq!(check_digit("201601011000001"), 9);
        let cfg = TicketNumberConfig::default();
        assert_eq!(cfg.build(1, day(2016, 1, 1)), "2016010110000019");
        assert!(has_valid_checksum("2016010110000019"));
        assert!(!has_valid_checksum("2016010110000018"));
    }

    #[test]
    fn a_sum_divisible_by_ten_gives_one_not_zero() {
        // 1*1 + 9*2 + 1*1 = 20
        assert_eq!(check_digit("191"), 1);
    }

    #[test]
    fn other_generators() {
        let d = day(2024, 3, 9);
        let mut cfg = TicketNumberConfig { generator: Generator::Date, ..Default::default() };
        assert_eq!(cfg.build(42, d), "202403091042");
        cfg.generator = Generator::AutoIncrement;
        assert_eq!(cfg.build(42, d), "1000042");
        cfg.generator = Generator::Random;
        let n = cfg.build(0, d);
        assert_eq!(n.len(), 12);
        assert!(n.starts_with("10"));
        assert!(Generator::DateChecksum.is_date_based() && !Generator::AutoIncrement.is_date_based());
    }

    #[test]
    fn numbers_are_found_in_subjects() {
        let cfg = TicketNumberConfig::default();
        assert_eq!(cfg.find_in_subject("Re: [Ticket#2016010110000019] printer").as_deref(), Some("2016010110000019"));
        assert_eq!(cfg.find_in_subject("Ticket#: 2016010110000019 again").as_deref(), Some("2016010110000019"));
        assert_eq!(cfg.find_in_subject("Ticket#:  2016010110000019").as_deref(), Some("2016010110000019"));
        assert_eq!(cfg.find_in_subject("no number here"), None);
        // Another system's id is not ours.
        assert_eq!(cfg.find_in_subject("[Ticket#2016010199000019]"), None);
        assert_eq!(
            cfg.find_in_subject("Ticket#12 then [Ticket#2016010110000019]").as_deref(),
            Some("2016010110000019")
        );
    }

    fn digit_sum(s: &str) -> u32 {
        s.bytes().enumerate().map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 2 }).sum()
    }

    proptest! {
        #[test]
        fn every_generated_date_checksum_number_validates(
            y in 2000i32..2100, m in 1u32..=12, d in 1u32..=28, counter in 0u64..100_000, sid in 10u32..100,
        ) {
            let cfg = TicketNumberConfig { system_id: sid.to_string(), ..Default::default() };
            let tn = cfg.build(counter, day(y, m, d));
            prop_assert_eq!(tn.len(), 8 + 2 + 5 + 1);
            prop_assert!(has_valid_checksum(&tn));
            prop_assert!(cfg.is_plausible(&tn));
            prop_assert_eq!(cfg.find_in_subject(&format!("Re: [Ticket#{tn}] x")), Some(tn));
        }

        /// A single changed digit is caught, except in the two cases the OTRS algorithm
        /// cannot see: a change of ±5 at a weight-2 position (the sum moves by 10), and
        /// sums ending in 0 and 9, which share check digit 1.
        #[test]
        fn a_single_digit_change_is_caught(
            counter in 0u64..100_000, pos in 0usize..16, new_digit in 0u8..10,
        ) {
            let tn = TicketNumberConfig::default().build(counter, day(2024, 6, 1));
            let mut bytes = tn.clone().into_bytes();
            prop_assume!(bytes[pos] != b'0' + new_digit);
            bytes[pos] = b'0' + new_digit;
            let changed = String::from_utf8(bytes).unwrap();
            if pos == 15 {
                prop_assert!(!has_valid_checksum(&changed), "changed check digit accepted");
            } else {
                let old = digit_sum(&tn[..15]) % 10;
                let new = digit_sum(&changed[..15]) % 10;
                let blind = old == new || matches!((old, new), (0, 9) | (9, 0));
                prop_assert_eq!(has_valid_checksum(&changed), blind);
                if old == new {
                    prop_assert!(pos % 2 == 1, "only weight-2 positions can keep the sum");
                }
            }
        }
    }
}
