//! Calendar dates without a time-zone database: formatting git timestamps and
//! parsing `--since` and `--until` dates.

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

/// A `--since` or `--until` value that is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError(String);

impl std::fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a date keyscan reads: give 2024-05-01, 2024-05-01T12:00:00+02:00, \
             @1714557600, \"2 weeks ago\" (seconds, minutes, hours, days, weeks, months, \
             years), yesterday or today",
            self.0
        )
    }
}

impl std::error::Error for ParseDateError {}

/// A date as `git log --since` reads the usual ones, as seconds since the epoch:
/// `YYYY-MM-DD` (UTC midnight), `YYYY-MM-DD[T ]HH:MM[:SS]` with `Z` or `±HH:MM` (UTC
/// without), `@SECONDS`, `N UNIT[s] ago` (months of 30 days and years of 365, as git
/// counts them), `yesterday`, `today` and `now`.
pub fn parse_date(text: &str) -> Result<i64, ParseDateError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    parse_date_at(text, now)
}

/// [`parse_date`] with `now` for the relative forms.
fn parse_date_at(text: &str, now: i64) -> Result<i64, ParseDateError> {
    let bad = || ParseDateError(text.to_owned());
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "now" => return Ok(now),
        "today" => return Ok(now - now.rem_euclid(86_400)),
        "yesterday" => return Ok(now - now.rem_euclid(86_400) - 86_400),
        _ => {}
    }
    if let Some(seconds) = text.strip_prefix('@') {
        return seconds.parse().map_err(|_| bad());
    }
    if let Some(amount) = lower.strip_suffix(" ago") {
        let words: Vec<&str> = amount.split_whitespace().collect();
        let [count, unit] = words[..] else {
            return Err(bad());
        };
        let count: i64 = count.parse().map_err(|_| bad())?;
        let unit = unit.strip_suffix('s').unwrap_or(unit);
        let seconds = match unit {
            "second" | "sec" => 1,
            "minute" | "min" => 60,
            "hour" => 3_600,
            "day" => 86_400,
            "week" => 7 * 86_400,
            "month" => 30 * 86_400,
            "year" => 365 * 86_400,
            _ => return Err(bad()),
        };
        return count
            .checked_mul(seconds)
            .and_then(|back| now.checked_sub(back))
            .ok_or_else(bad);
    }
    let (date, time) = match text.find(['T', ' ']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let mut next = |max: u32| -> Result<u32, ParseDateError> {
        let value: u32 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if value == 0 || value > max {
            Err(bad())
        } else {
            Ok(value)
        }
    };
    let (year, month, day) = (next(9999)?, next(12)?, next(31)?);
    let midnight = days_from_civil(i64::from(year), month, day) * 86_400;
    match time {
        None => Ok(midnight),
        Some(time) => Ok(midnight + seconds_of_day(time).ok_or_else(bad)?),
    }
}

/// `HH:MM[:SS]` with an optional `Z` or `±HH:MM` as seconds after UTC midnight.
fn seconds_of_day(time: &str) -> Option<i64> {
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => (&time[..at], &time[at..]),
        None => (time, ""),
    };
    let fields: Vec<i64> = clock
        .split(':')
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let (hours, minutes, seconds) = match fields[..] {
        [hours, minutes] => (hours, minutes, 0),
        [hours, minutes, seconds] => (hours, minutes, seconds),
        _ => return None,
    };
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let offset = match offset.as_bytes().first() {
        None | Some(b'Z' | b'z') if offset.len() <= 1 => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
            if sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    Some(hours * 3_600 + minutes * 60 + seconds - offset)
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
        assert!(parse_date("tomorrow-ish").is_err());
    }

    #[test]
    fn parses_times_offsets_epochs_and_relative_dates() {
        let day = 86_400;
        assert_eq!(parse_date("2000-03-01T01:30:00Z"), Ok(951_868_800 + 5_400));
        assert_eq!(parse_date("2000-03-01 01:30"), Ok(951_868_800 + 5_400));
        assert_eq!(
            parse_date("2000-03-01T03:30:00+02:00"),
            Ok(951_868_800 + 5_400)
        );
        assert_eq!(
            parse_date("2000-02-29T23:30:00-02:00"),
            Ok(951_868_800 + 5_400)
        );
        assert_eq!(parse_date("@1714557600"), Ok(1_714_557_600));
        let midnight = 1_714_521_600; // 2024-05-01T00:00:00Z
        let now = midnight + 3_600;
        assert_eq!(parse_date_at("2 weeks ago", now), Ok(now - 14 * day));
        assert_eq!(parse_date_at("1 day ago", now), Ok(now - day));
        assert_eq!(parse_date_at("3 Months Ago", now), Ok(now - 90 * day));
        assert_eq!(parse_date_at("yesterday", now), Ok(midnight - day));
        assert_eq!(parse_date_at("today", now), Ok(midnight));
        for bad in [
            "2 fortnights ago",
            "ago",
            "two days ago",
            "2024-05-01T25:00",
            "@x",
        ] {
            assert!(parse_date_at(bad, now).is_err(), "{bad}");
        }
        let message = parse_date("soon").unwrap_err().to_string();
        assert!(message.contains("2 weeks ago"), "{message}");
    }
}
