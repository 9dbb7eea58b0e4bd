//! CVSS scores of advisory vectors (v3.0, v3.1 and v4.0) through RustSec's
//! `cvss` crate, and the severity band a score falls in.

use crate::rule::Severity;

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CvssError {
    #[error("not a CVSS v3 or v4 vector (expected `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/`)")]
    Version,
    #[error("malformed CVSS vector: {0}")]
    Malformed(String),
}

/// The base score (0.0–10.0) of a `CVSS:3.x/...` or `CVSS:4.0/...` vector.
/// v3 temporal and environmental metrics may be present; they do not
/// change the base score.
pub fn base_score(vector: &str) -> Result<f64, CvssError> {
    let vector = vector.trim();
    if !["CVSS:3.0/", "CVSS:3.1/", "CVSS:4.0/"]
        .iter()
        .any(|p| vector.starts_with(p))
    {
        return Err(CvssError::Version);
    }
    // The crate scores a v3 vector with a base metric missing as if the
    // metric were at its lowest; a score from half a vector is no score.
    if !vector.starts_with("CVSS:4.0/") {
        let keys: Vec<&str> = vector
            .split('/')
            .skip(1)
            .filter_map(|m| m.split_once(':').map(|(k, _)| k))
            .collect();
        if let Some(missing) = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"]
            .iter()
            .find(|k| !keys.contains(k))
        {
            return Err(CvssError::Malformed(format!(
                "base metric `{missing}` is missing"
            )));
        }
    }
    let parsed: cvss::Cvss = vector
        .parse()
        .map_err(|e: cvss::Error| CvssError::Malformed(e.to_string()))?;
    Ok(match parsed {
        // The base group only: NVD's and GitHub's published severities are
        // base severities.
        cvss::Cvss::CvssV30(v) | cvss::Cvss::CvssV31(v) => v.base_score().value(),
        other => other.score(),
    })
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
            // v4.0 (FIRST's calculator)
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
            ),
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
            base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Err(CvssError::Version)
        );
        for bad in [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L",
        ] {
            assert!(
                matches!(base_score(bad), Err(CvssError::Malformed(_))),
                "{bad}: {:?}",
                base_score(bad)
            );
        }
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
