//! CloudFormation's YAML short forms (`!Ref x`, `!GetAtt a.b`, `!Sub ...`) and
//! the long JSON forms they stand for.

/// The long-form key for a short tag, or `None` for tags CloudFormation does
/// not define (those are kept as plain values).
pub fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "FindInMap" => "Fn::FindInMap",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        "ForEach" => "Fn::ForEach",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_documented_short_form_has_a_long_form() {
        for t in [
            "Ref",
            "Sub",
            "GetAtt",
            "Join",
            "Select",
            "Split",
            "If",
            "Equals",
            "And",
            "Or",
            "Not",
            "FindInMap",
            "Base64",
            "Cidr",
            "GetAZs",
            "ImportValue",
            "Condition",
            "Transform",
        ] {
            assert!(super::long_form(t).is_some(), "{t}");
        }
        assert_eq!(super::long_form("Custom"), None);
    }
}
