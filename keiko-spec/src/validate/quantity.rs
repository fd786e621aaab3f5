//! Kubernetes resource quantities (`500m`, `1.5`, `512Mi`, `1e3`), parsed exactly
//! so that requests and limits can be compared.

/// A quantity in billionths of its unit (nano-cores, nano-bytes), exact for every
/// suffix Kubernetes accepts up to exa.
pub fn parse(text: &str) -> Option<i128> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let (mantissa, scale) = decimal(number)?;
    let nanos = multiplier(suffix)?;
    let value = mantissa.checked_mul(nanos.numerator)?;
    let divisor = 10_i128.checked_pow(scale)?.checked_mul(nanos.denominator)?;
    Some(value / divisor)
}

struct Ratio {
    numerator: i128,
    denominator: i128,
}

/// A decimal number as an integer mantissa and a count of decimal places.
fn decimal(number: &str) -> Option<(i128, u32)> {
    let unsigned = number.strip_prefix('+').unwrap_or(number);
    if unsigned.starts_with('-') || unsigned.is_empty() || unsigned.len() > 30 {
        return None;
    }
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() && fraction.is_empty() || !format!("{whole}{fraction}").bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let mantissa = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((mantissa, u32::try_from(fraction.len()).ok()?))
}

fn multiplier(suffix: &str) -> Option<Ratio> {
    const NANO: i128 = 1_000_000_000;
    let ratio = |numerator, denominator| Some(Ratio { numerator, denominator });
    let binary = |power: u32| ratio(NANO * (1_i128 << (10 * power)), 1);
    let decimal = |power: u32| ratio(NANO * 1000_i128.pow(power), 1);
    match suffix {
        "" => ratio(NANO, 1),
        "n" => ratio(1, 1),
        "u" => ratio(1_000, 1),
        "m" => ratio(1_000_000, 1),
        "k" => decimal(1),
        "M" => decimal(2),
        "G" => decimal(3),
        "T" => decimal(4),
        "P" => decimal(5),
        "E" => decimal(6),
        "Ki" => binary(1),
        "Mi" => binary(2),
        "Gi" => binary(3),
        "Ti" => binary(4),
        "Pi" => binary(5),
        "Ei" => binary(6),
        exponent => {
            let power: i32 = exponent.strip_prefix(['e', 'E'])?.parse().ok()?;
            match power {
                0..=18 => ratio(NANO * 10_i128.pow(power.unsigned_abs()), 1),
                -9..=-1 => ratio(NANO, 10_i128.pow(power.unsigned_abs())),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn cpu_and_memory_quantities_compare_exactly() {
        assert_eq!(parse("500m"), parse("0.5"));
        assert_eq!(parse("1"), Some(1_000_000_000));
        assert_eq!(parse("1Ki"), Some(1024 * 1_000_000_000));
        assert_eq!(parse("1k"), Some(1000 * 1_000_000_000));
        assert_eq!(parse("1e3"), parse("1k"));
        assert!(parse("128Mi") < parse("1Gi"));
        assert!(parse("1Ei").is_some());
    }

    #[test]
    fn malformed_quantities_are_refused() {
        for bad in ["", "m", "1.2.3", "-1", "1Xi", "abc", "1 Gi", "1e99", ".", "99999999999999999999999999999999Ei"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
