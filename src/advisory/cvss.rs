//! CVSS v3.0/v3.1 base scores from vector strings, and the severity band
//! a score falls in. v4 vectors are not scored here: their scoring needs
//! FIRST's lookup tables, and advisories that carry one nearly always carry
//! the database's own severity too, which is used instead.

use crate::rule::Severity;

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("not a CVSS v3 vector (expected `CVSS:3.0/` or `CVSS:3.1/`)")]
    NotV3,
    #[error("metric `{0}` is malformed or has an unknown value")]
    BadMetric(String),
    #[error("metric `{0}` is given twice")]
    Duplicate(String),
    #[error("base metric `{0}` is missing")]
    Missing(&'static str),
}

/// The eight base metrics, as weights.
#[derive(Default)]
struct Base {
    av: Option<f64>,
    ac: Option<f64>,
    // PR's weight depends on scope, so keep the letter.
    pr: Option<u8>,
    ui: Option<f64>,
    scope_changed: Option<bool>,
    c: Option<f64>,
    i: Option<f64>,
    a: Option<f64>,
}

fn cia(v: &str) -> Option<f64> {
    match v {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>, metric: &str) -> Result<(), CvssError> {
    let value = value.ok_or_else(|| CvssError::BadMetric(metric.to_string()))?;
    if slot.replace(value).is_some() {
        return Err(CvssError::Duplicate(metric.to_string()));
    }
    Ok(())
}

/// The base score (0.0–10.0) of a `CVSS:3.x/...` vector. Temporal and
/// environmental metrics may be present; they do not change the base score.
pub fn base_score(vector: &str) -> Result<f64, CvssError> {
    let rest = vector
        .trim()
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.trim().strip_prefix("CVSS:3.0/"))
        .ok_or(CvssError::NotV3)?;
    let mut b = Base::default();
    for metric in rest.split('/') {
        let (key, value) = metric
            .split_once(':')
            .ok_or_else(|| CvssError::BadMetric(metric.to_string()))?;
        match key {
            "AV" => set(
                &mut b.av,
                match value {
                    "N" => Some(0.85),
                    "A" => Some(0.62),
                    "L" => Some(0.55),
                    "P" => Some(0.2),
                    _ => None,
                },
                metric,
            )?,
            "AC" => set(
                &mut b.ac,
                match value {
                    "L" => Some(0.77),
                    "H" => Some(0.44),
                    _ => None,
                },
                metric,
            )?,
            "PR" => set(
                &mut b.pr,
                matches!(value, "N" | "L" | "H")
                    .then(|| value.as_bytes().first().copied().unwrap_or(b'N')),
                metric,
            )?,
            "UI" => set(
                &mut b.ui,
                match value {
                    "N" => Some(0.85),
                    "R" => Some(0.62),
                    _ => None,
                },
                metric,
            )?,
            "S" => set(
                &mut b.scope_changed,
                match value {
                    "U" => Some(false),
                    "C" => Some(true),
                    _ => None,
                },
                metric,
            )?,
            "C" => set(&mut b.c, cia(value), metric)?,
            "I" => set(&mut b.i, cia(value), metric)?,
            "A" => set(&mut b.a, cia(value), metric)?,
            // Temporal and environmental metrics: not part of the base score.
            "E" | "RL" | "RC" | "CR" | "IR" | "AR" | "MAV" | "MAC" | "MPR" | "MUI" | "MS"
            | "MC" | "MI" | "MA" => {}
            _ => return Err(CvssError::BadMetric(metric.to_string())),
        }
    }
    let av = b.av.ok_or(CvssError::Missing("AV"))?;
    let ac = b.ac.ok_or(CvssError::Missing("AC"))?;
    let pr = b.pr.ok_or(CvssError::Missing("PR"))?;
    let ui = b.ui.ok_or(CvssError::Missing("UI"))?;
    let changed = b.scope_changed.ok_or(CvssError::Missing("S"))?;
    let c = b.c.ok_or(CvssError::Missing("C"))?;
    let i = b.i.ok_or(CvssError::Missing("I"))?;
    let a = b.a.ok_or(CvssError::Missing("A"))?;
    let pr = match (pr, changed) {
        (b'L', false) => 0.62,
        (b'L', true) => 0.68,
        (b'H', false) => 0.27,
        (b'H', true) => 0.5,
        _ => 0.85,
    };
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(0.0);
    }
    let raw = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(round_up(raw))
}

/// CVSS v3.1's Roundup: the smallest one-decimal number not below the
/// input, computed on integers so that float noise (4.000000001) does not
/// push a score up a tenth. NVD applies it to v3.0 vectors too.
fn round_up(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// The qualitative band of a score: low < 4, medium < 7, high < 9,
/// critical from 9. (A 0.0 score is "none" in CVSS; it is reported low.)
pub fn severity_of(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_nvd_published_scores() {
        // (vector, base score; the CVE where NVD published that score)
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0), // CVE-2021-44228
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),  // CVE-2022-22965
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),  // CVE-2023-26489
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),  // CVE-2014-0160
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),  // CVE-2021-4034
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),  // typical reflected XSS
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", 7.4), // CVE-2023-0286
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8),
            // Low scores, from the specification's formulas (no CVE at hand): small
            // impacts with and without a scope change.
            ("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N", 1.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            // Temporal metrics do not change the base score.
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C",
                7.5,
            ),
        ];
        for (vector, expected) in cases {
            assert_eq!(base_score(vector), Ok(expected), "{vector}");
        }
    }

    #[test]
    fn rejects_bad_vectors() {
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Err(CvssError::NotV3)
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            Err(CvssError::Missing("A"))
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Duplicate("AV:L".into()))
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::BadMetric("AV:X".into()))
        );
    }

    #[test]
    fn bands() {
        assert_eq!(severity_of(3.9), Severity::Low);
        assert_eq!(severity_of(4.0), Severity::Medium);
        assert_eq!(severity_of(6.9), Severity::Medium);
        assert_eq!(severity_of(7.0), Severity::High);
        assert_eq!(severity_of(8.9), Severity::High);
        assert_eq!(severity_of(9.0), Severity::Critical);
    }
}
