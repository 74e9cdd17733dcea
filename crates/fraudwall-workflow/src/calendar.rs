//! Legal deadlines counted in calendar months and in working days, in the local time of the
//! jurisdiction (China: UTC+8), whatever offset `now` arrives in.

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

/// Working days are Monday to Friday, minus the listed holidays, in the given local offset.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub offset: UtcOffset,
    pub holidays: &'a [Date],
}

impl Calendar<'_> {
    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&date)
    }

    /// The end of the `n`th working day after the local day of `from` (the day itself does not
    /// count, as a limit "within 3 working days" of a decision runs from the next day): local
    /// midnight ending that day, returned in UTC.
    pub fn add_working_days(&self, from: OffsetDateTime, n: u32) -> OffsetDateTime {
        let mut date = from.to_offset(self.offset).date();
        let mut left = n;
        while left > 0 {
            date = date.next_day().expect("date in range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        let end = date
            .next_day()
            .expect("date in range")
            .midnight()
            .assume_offset(self.offset);
        end.to_offset(UtcOffset::UTC)
    }
}

/// `months` calendar months after `from`, in the given local offset; a day the month lacks
/// (31 August + 6 months) falls back to the month's last day, as courts count it.
pub fn add_months(from: OffsetDateTime, months: u32, offset: UtcOffset) -> OffsetDateTime {
    let local = from.to_offset(offset);
    let total = local.month() as i32 - 1 + months as i32;
    let year = local.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).expect("month in range");
    let day = local.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).expect("date in range");
    date.with_time(local.time())
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

pub fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, offset};

    const CHINA: UtcOffset = offset!(+8);

    #[test]
    fn working_days_skip_the_weekend_in_local_time() {
        let cal = Calendar {
            offset: CHINA,
            holidays: &[],
        };
        // Thursday 20:00 UTC is already Friday 04:00 in Beijing
        let from = datetime!(2026-12-03 20:00 UTC);
        // Friday → Mon, Tue, Wed; ends at local midnight after Wednesday
        assert_eq!(
            cal.add_working_days(from, 3),
            datetime!(2026-12-09 16:00 UTC)
        );
    }

    #[test]
    fn holidays_are_not_working_days() {
        let holidays = [date!(2026 - 12 - 07)];
        let cal = Calendar {
            offset: CHINA,
            holidays: &holidays,
        };
        let from = datetime!(2026-12-04 02:00 UTC); // Friday in Beijing
        assert_eq!(
            cal.add_working_days(from, 3),
            datetime!(2026-12-10 16:00 UTC)
        );
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let from = datetime!(2026-08-31 10:00 +8);
        assert_eq!(add_months(from, 6, CHINA), datetime!(2027-02-28 10:00 +8));
        assert_eq!(add_months(from, 18, CHINA), datetime!(2028-02-29 10:00 +8));
    }
}
