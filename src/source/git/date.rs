//! Calendar dates without a time-zone database: formatting git timestamps and
//! parsing `--since` dates.

/// Seconds since the epoch at `offset_minutes` from UTC, as `2024-05-01T12:00:00+02:00`.
pub fn iso8601(seconds: i64, offset_minutes: i32) -> String {
    let local = seconds + i64::from(offset_minutes) * 60;
    let (days, rest) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        offset / 60,
        offset % 60
    )
}

/// A `--since` value that is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError(String);

impl std::fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a date like 2024-05-01", self.0)
    }
}

impl std::error::Error for ParseDateError {}

/// `YYYY-MM-DD` (UTC midnight) as seconds since the epoch.
pub fn parse_date(text: &str) -> Result<i64, ParseDateError> {
    let bad = || ParseDateError(text.to_owned());
    let mut parts = text.trim().splitn(3, '-');
    let mut next = |max: u32| -> Result<u32, ParseDateError> {
        let value: u32 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if value == 0 || value > max {
            Err(bad())
        } else {
            Ok(value)
        }
    };
    let (year, month, day) = (next(9999)?, next(12)?, next(31)?);
    Ok(days_from_civil(i64::from(year), month, day) * 86_400)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_index + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamps_with_their_offset() {
        assert_eq!(iso8601(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso8601(1_597_098_181, 120), "2020-08-11T00:23:01+02:00");
        assert_eq!(iso8601(951_782_400, -330), "2000-02-28T18:30:00-05:30");
    }

    #[test]
    fn parses_dates_and_round_trips() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2000-03-01"), Ok(951_868_800));
        for days in [-1000, 0, 59, 60, 11_016, 20_000, 100_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
