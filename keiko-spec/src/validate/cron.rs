//! Cron schedules as Kubernetes CronJobs read them (five fields or an `@` macro),
//! with the longest gap between two runs so backup cadence can be checked.

/// A parsed schedule: the set of allowed values of each field, as bit masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_restricted: bool,
    weekdays_restricted: bool,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Parses a schedule, or says what is wrong with it.
pub fn parse(text: &str) -> Result<Cron, String> {
    let expanded = match text.trim() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        other if other.starts_with('@') => return Err(format!("unknown macro `{other}`")),
        other => other,
    };
    let fields: Vec<&str> = expanded.split_whitespace().collect();
    let [minute, hour, day, month, weekday] = fields[..] else {
        return Err(format!("expected 5 fields (minute hour day-of-month month day-of-week), got {}", fields.len()));
    };
    Ok(Cron {
        minutes: field(minute, "minute", 0, 59, &[])?,
        hours: field(hour, "hour", 0, 23, &[])?,
        days: field(day, "day-of-month", 1, 31, &[])?,
        months: field(month, "month", 1, 12, &MONTHS)?,
        weekdays: field(weekday, "day-of-week", 0, 6, &WEEKDAYS)?,
        days_restricted: !matches!(day, "*" | "?"),
        weekdays_restricted: !matches!(weekday, "*" | "?"),
    })
}

fn field(text: &str, name: &str, low: u32, high: u32, names: &[&str]) -> Result<u64, String> {
    let mut mask = 0_u64;
    for item in text.split(',') {
        mask |= item_mask(item, low, high, names).ok_or_else(|| {
            format!("{name} field `{text}`: each item must be *, N, N-M or a step /S, with values {low}..={high}")
        })?;
    }
    Ok(mask)
}

fn item_mask(item: &str, low: u32, high: u32, names: &[&str]) -> Option<u64> {
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
        None => (item, 1),
    };
    let (start, end) = match range {
        "*" | "?" => (low, high),
        _ => match range.split_once('-') {
            Some((a, b)) => (value(a, low, names)?, value(b, low, names)?),
            None if item.contains('/') => (value(range, low, names)?, high),
            None => (value(range, low, names)?, value(range, low, names)?),
        },
    };
    if start < low || end > high || start > end {
        return None;
    }
    Some((start..=end).step_by(step as usize).fold(0, |mask, v| mask | 1 << v))
}

fn value(text: &str, low: u32, names: &[&str]) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    match names.iter().position(|name| *name == lower) {
        Some(index) => u32::try_from(index).ok().map(|i| i + low),
        None => text.parse().ok(),
    }
}

impl Cron {
    /// The longest time between two consecutive runs over a whole year, in minutes;
    /// `None` when the schedule never fires.
    pub fn max_gap_minutes(&self) -> Option<u32> {
        let mut first = None;
        let mut last: Option<u32> = None;
        let mut gap = 0;
        // 2027 starts on a Friday (weekday 5) and is not a leap year.
        let (mut day_of_year, mut weekday) = (0_u32, 5_u32);
        for (month, length) in [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].into_iter().enumerate() {
            for day in 1..=length {
                if self.fires_on(month as u32 + 1, day, weekday) {
                    for minute_of_day in self.minutes_of_day() {
                        let at = day_of_year * 1440 + minute_of_day;
                        if let Some(previous) = last {
                            gap = gap.max(at - previous);
                        }
                        first.get_or_insert(at);
                        last = Some(at);
                    }
                }
                day_of_year += 1;
                weekday = (weekday + 1) % 7;
            }
        }
        // The gap across new year's eve counts too.
        Some(gap.max(first? + 365 * 1440 - last?))
    }

    fn fires_on(&self, month: u32, day: u32, weekday: u32) -> bool {
        let by_day = self.days & (1 << day) != 0;
        let by_weekday = self.weekdays & (1 << weekday) != 0;
        let day_matches = match (self.days_restricted, self.weekdays_restricted) {
            (true, true) => by_day || by_weekday,
            _ => by_day && by_weekday,
        };
        self.months & (1 << month) != 0 && day_matches
    }

    fn minutes_of_day(&self) -> impl Iterator<Item = u32> + '_ {
        (0..24_u32)
            .filter(|h| self.hours & (1 << h) != 0)
            .flat_map(move |h| (0..60_u32).filter(|m| self.minutes & (1 << m) != 0).map(move |m| h * 60 + m))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn every_six_hours_has_a_six_hour_gap() {
        assert_eq!(parse("0 */6 * * *").unwrap().max_gap_minutes(), Some(360));
        assert_eq!(parse("15 1,7,13,19 * * *").unwrap().max_gap_minutes(), Some(360));
        assert_eq!(parse("@daily").unwrap().max_gap_minutes(), Some(1440));
    }

    #[test]
    fn monthly_schedules_have_gaps_of_a_month() {
        let gap = parse("0 3 1 * *").unwrap().max_gap_minutes().unwrap();
        assert_eq!(gap, 31 * 1440);
        assert_eq!(parse("0 0 30 2 *").unwrap().max_gap_minutes(), None);
    }

    #[test]
    fn names_steps_and_ranges_parse() {
        assert!(parse("0 0 * jan-mar mon-fri").is_ok());
        assert!(parse("*/15 8-18/2 1,15 * ?").is_ok());
    }

    #[test]
    fn malformed_schedules_are_refused_with_the_field_named() {
        assert!(parse("60 * * * *").unwrap_err().contains("minute"));
        assert!(parse("* * * *").unwrap_err().contains("5 fields"));
        assert!(parse("* 25 * * *").unwrap_err().contains("hour"));
        assert!(parse("*/0 * * * *").is_err());
        assert!(parse("5-1 * * * *").is_err());
        assert!(parse("@often").is_err());
        assert!(parse("* * * * 7").is_err());
    }
}
