//! The canonical text of a `resource.Quantity`, as the API server stores and prints it
//! (apimachinery `Quantity.String()` / `CanonicalizeBytes`): `0.5` is `500m`, `2000` is `2k`,
//! `1024Mi` is `1Gi`, `1.5Gi` is `1536Mi`, `1.5k` is `1500`. A binary-suffixed value below 1024
//! or with a fraction falls back to the decimal form (`0.5Ki` is `512`).
//!
//! Exact arithmetic on a decimal mantissa and exponent (no floats), so the text is the one Go
//! prints, not an approximation.

/// The binary suffixes by power of 1024 (none for 1024^0).
const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// The canonical text, or `None` when `text` is not a quantity (validation reports that) or is
/// too large to handle exactly (then the text is kept as written).
pub fn canonical(text: &str) -> Option<String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    let (negative, digits) = match number.as_bytes().first() {
        Some(b'-') => (true, &number[1..]),
        Some(b'+') => (false, &number[1..]),
        _ => (false, number),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || int_part.len() + frac_part.len() > 30
    {
        return None;
    }
    let mut mantissa: i128 = format!("{int_part}{frac_part}").parse().ok()?;
    let mut exp: i32 = -(frac_part.len() as i32);
    let binary = match BINARY_SUFFIXES[1..].iter().position(|s| *s == suffix) {
        Some(i) => {
            mantissa = mantissa.checked_mul(1024i128.checked_pow(i as u32 + 1)?)?;
            true
        }
        None => {
            exp += decimal_exponent(suffix)?;
            false
        }
    };
    if negative {
        mantissa = -mantissa;
    }
    if mantissa == 0 {
        return Some("0".into());
    }
    let exponent_form = suffix.starts_with(['e', 'E']);
    if binary {
        if let Some(whole) = integer_value(mantissa, exp).filter(|v| v.abs() >= 1024) {
            return Some(binary_text(whole));
        }
    }
    decimal_text(mantissa, exp, exponent_form)
}

/// The power of ten of a decimal suffix (`m` is -3, `k` 3, `e6` 6); `None` if unknown.
fn decimal_exponent(suffix: &str) -> Option<i32> {
    Some(match suffix {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "" => 0,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        s if s.starts_with(['e', 'E']) => s[1..].parse().ok().filter(|e: &i32| e.abs() <= 30)?,
        _ => return None,
    })
}

/// `mantissa × 10^exp` when it is a whole number.
fn integer_value(mantissa: i128, exp: i32) -> Option<i128> {
    if exp >= 0 {
        mantissa.checked_mul(10i128.checked_pow(exp as u32)?)
    } else {
        let divisor = 10i128.checked_pow(exp.unsigned_abs())?;
        (mantissa % divisor == 0).then_some(mantissa / divisor)
    }
}

fn binary_text(mut value: i128) -> String {
    let mut power = 0;
    while power < 6 && value % 1024 == 0 {
        value /= 1024;
        power += 1;
    }
    format!("{value}{}", BINARY_SUFFIXES[power])
}

fn decimal_text(mut mantissa: i128, mut exp: i32, exponent_form: bool) -> Option<String> {
    // Below a nano the API rounds up (away from zero) to whole nanos.
    if exp < -9 {
        let divisor = 10i128.checked_pow((-9 - exp) as u32)?;
        let rounded = mantissa / divisor + (mantissa % divisor).signum();
        mantissa = rounded;
        exp = -9;
    }
    // Exponents in steps of three, then as few trailing zeros as the suffixes allow.
    while exp.rem_euclid(3) != 0 {
        mantissa = mantissa.checked_mul(10)?;
        exp -= 1;
    }
    while mantissa % 1000 == 0 && exp < 18 {
        mantissa /= 1000;
        exp += 3;
    }
    if exponent_form {
        return Some(if exp == 0 {
            format!("{mantissa}")
        } else {
            format!("{mantissa}e{exp}")
        });
    }
    while exp > 18 {
        mantissa = mantissa.checked_mul(1000)?;
        exp -= 3;
    }
    let suffix = match exp {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        _ => "E",
    };
    Some(format!("{mantissa}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn quantities_print_as_the_api_server_prints_them() {
        for (written, stored) in [
            ("0.5", "500m"),
            ("2000", "2k"),
            ("1500m", "1500m"),
            ("1.5k", "1500"),
            ("100m", "100m"),
            ("1", "1"),
            ("1024Mi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("2000Mi", "2000Mi"),
            ("0.5Ki", "512"),
            ("512Ki", "512Ki"),
            ("1Gi", "1Gi"),
            ("1000000", "1M"),
            ("0", "0"),
            ("0.1n", "1n"),
            ("1e3", "1e3"),
            ("128974848", "128974848"),
            ("129e6", "129e6"),
            ("-1", "-1"),
        ] {
            assert_eq!(canonical(written).as_deref(), Some(stored), "{written}");
        }
        for bad in ["", "abc", "1.2.3", "5Qi", "--1"] {
            assert_eq!(canonical(bad), None, "{bad}");
        }
    }
}
