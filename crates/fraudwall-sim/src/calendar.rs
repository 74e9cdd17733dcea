//! Dates and times of the province: local time, UTC+08:00, as RFC 3339.

use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date {
            year: (y + i64::from(m <= 2)) as i32,
            month: m,
            day: d,
        }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// 0 is Monday.
    pub fn weekday(self) -> u32 {
        (self.to_days() + 3).rem_euclid(7) as u32
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("date must be YYYY-MM-DD, got {0:?}")]
pub struct DateError(pub String);

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.chars().take(40).collect());
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let date = Date {
            year: y.parse().map_err(|_| err())?,
            month: m.parse().map_err(|_| err())?,
            day: d.parse().map_err(|_| err())?,
        };
        if !(1..=12).contains(&date.month)
            || date.day == 0
            || Date::from_days(date.to_days()) != date
        {
            return Err(err());
        }
        Ok(date)
    }
}

/// Seconds since the start of the scenario (day 0, 00:00 local time); negative is before it.
pub type Time = i64;

pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;
pub const MINUTE: i64 = 60;

/// Formats scenario times as RFC 3339 in local time (`2026-03-02T08:15:00+08:00`), with the
/// date part of each day cached.
#[derive(Debug, Clone)]
pub struct Clock {
    start: Date,
}

impl Clock {
    pub fn new(start: Date) -> Clock {
        Clock { start }
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn date_of(&self, t: Time) -> Date {
        self.start.add_days(t.div_euclid(DAY))
    }

    /// Appends the RFC 3339 form of `t`.
    pub fn write(&self, out: &mut Vec<u8>, t: Time) {
        let date = self.date_of(t);
        let s = t.rem_euclid(DAY);
        let y = date.year.max(0) as u32;
        let digits = [
            y / 1000 % 10,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            10,
            date.month / 10,
            date.month % 10,
            10,
            date.day / 10,
            date.day % 10,
        ];
        for d in digits {
            out.push(if d == 10 { b'-' } else { b'0' + d as u8 });
        }
        out.push(b'T');
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
        for (i, v) in [h, m, sec].into_iter().enumerate() {
            if i > 0 {
                out.push(b':');
            }
            out.push(b'0' + (v / 10) as u8);
            out.push(b'0' + (v % 10) as u8);
        }
        out.extend_from_slice(b"+08:00");
    }

    /// A writer of times on `day` (days from the start) that formats the date once.
    pub fn stamp(&self, day: i64) -> Stamp {
        let mut date = Vec::with_capacity(10);
        self.write(&mut date, day * DAY);
        let mut prefix = [0u8; 11];
        prefix.copy_from_slice(&date[..11]);
        Stamp {
            clock: self.clone(),
            prefix,
            day_start: day * DAY,
        }
    }

    pub fn format(&self, t: Time) -> String {
        let mut out = Vec::with_capacity(25);
        self.write(&mut out, t);
        String::from_utf8(out).expect("ascii")
    }
}

/// Times of one day, its date formatted once (`2026-03-02T`); other days fall back to the clock.
#[derive(Debug, Clone)]
pub struct Stamp {
    clock: Clock,
    prefix: [u8; 11],
    day_start: Time,
}

impl Stamp {
    #[inline]
    pub fn write(&self, out: &mut Vec<u8>, t: Time) {
        let s = t - self.day_start;
        if !(0..DAY).contains(&s) {
            return self.clock.write(out, t);
        }
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
        out.extend_from_slice(&self.prefix);
        out.extend_from_slice(&[
            b'0' + (h / 10) as u8,
            b'0' + (h % 10) as u8,
            b':',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b':',
            b'0' + (sec / 10) as u8,
            b'0' + (sec % 10) as u8,
            b'+',
            b'0',
            b'8',
            b':',
            b'0',
            b'0',
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_weekdays() {
        let d: Date = "2026-03-02".parse().unwrap();
        assert_eq!(d.weekday(), 0);
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(d.add_days(30).to_string(), "2026-04-01");
        assert_eq!(
            "2024-02-29"
                .parse::<Date>()
                .unwrap()
                .add_days(1)
                .to_string(),
            "2024-03-01"
        );
        assert!("2026-02-29".parse::<Date>().is_err());
        assert!("2026-3-02".parse::<Date>().is_err());
    }

    #[test]
    fn times_are_rfc3339_local() {
        let clock = Clock::new("2026-03-02".parse().unwrap());
        assert_eq!(clock.format(0), "2026-03-02T00:00:00+08:00");
        assert_eq!(
            clock.format(DAY + 3 * HOUR + 61),
            "2026-03-03T03:01:01+08:00"
        );
        assert_eq!(clock.format(-1), "2026-03-01T23:59:59+08:00");
        let stamp = clock.stamp(1);
        for t in [DAY, DAY + 3 * HOUR + 61, 2 * DAY - 1, 5, 3 * DAY] {
            let mut out = Vec::new();
            stamp.write(&mut out, t);
            assert_eq!(String::from_utf8(out).unwrap(), clock.format(t));
        }
    }

    proptest::proptest! {
        #[test]
        fn from_days_inverts_to_days(z in -100_000i64..100_000) {
            proptest::prop_assert_eq!(Date::from_days(z).to_days(), z);
        }
    }
}
