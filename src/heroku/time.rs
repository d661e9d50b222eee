//! The two timestamps the Platform API gives: `created_at`
//! (`2026-11-16T12:00:00Z`, ISO 8601 in UTC) and the `Date` header
//! (`Sun, 06 Dec 2026 19:00:00 GMT`, RFC 9110's IMF-fixdate), as seconds
//! since the Unix epoch. Just these two forms: a date crate for them would
//! cost more of the binary than the stale-rotation check needs.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn seconds(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    let valid = (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && (0..24).contains(&h)
        && (0..60).contains(&mi)
        && (0..=60).contains(&s);
    valid.then(|| days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds ignored).
#[must_use]
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let time = time.split('.').next()?;
    let mut ymd = date.split('-');
    let mut hms = time.split(':');
    let (y, mo, day) = (num(ymd.next()?)?, num(ymd.next()?)?, num(ymd.next()?)?);
    let (h, mi, s) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
    if ymd.next().is_some() || hms.next().is_some() {
        return None;
    }
    seconds(y, mo, day, h, mi, s)
}

/// `Sun, 06 Dec 2026 19:00:00 GMT`.
#[must_use]
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day = num(parts.next()?)?;
    let month = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month)?;
    let year = num(parts.next()?)?;
    let mut hms = parts.next()?.split(':');
    let (h, mi, s) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    seconds(year, i64::try_from(month).ok()? + 1, day, h, mi, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("2026-12-06T19:00:00Z"), Some(1_796_583_600));
        assert_eq!(
            parse_iso8601("2026-12-06T19:00:00.123Z"),
            Some(1_796_583_600)
        );
        assert_eq!(
            parse_http_date("Sun, 06 Dec 2026 19:00:00 GMT"),
            Some(1_796_583_600)
        );
        assert_eq!(parse_iso8601("2000-02-29T00:00:00Z"), Some(951_782_400));
        for bad in [
            "",
            "2026-12-06",
            "2026-13-01T00:00:00Z",
            "2026-12-06T19:00:00+01:00",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
        assert_eq!(parse_http_date("06 Dec 2026"), None);
    }
}
