//! SAM policy templates: turns `Policies: [{S3ReadPolicy: {BucketName: !Ref B}}]` on an
//! `AWS::Serverless::Function` into the IAM statements SAM would generate.
//!
//! The templates are SAM's own list (`rules/sam_policy_templates.json`, copied from
//! `aws/serverless-application-model`), embedded at build time and parsed once. Expansion
//! only substitutes the template's parameters; intrinsics such as `Fn::Sub` with
//! `${AWS::Partition}` stay in place for the caller's intrinsic resolver, so a statement
//! from a template goes through the same path as a hand-written one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::parse::{Entry, Map, Node, Value};
use crate::source::Span;

const TEMPLATES_JSON: &str = include_str!("../../rules/sam_policy_templates.json");

/// Why a policy template could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamPolicyError {
    /// Not one of SAM's policy templates (names are case-sensitive, as in SAM).
    #[error("unknown SAM policy template `{0}`")]
    Unknown(String),
    /// The template needs a parameter the caller did not give.
    #[error("SAM policy template `{template}` needs parameter `{parameter}`")]
    MissingParameter {
        /// The template's name.
        template: &'static str,
        /// The parameter it needs (`FunctionName`, `BucketName`, ...).
        parameter: &'static str,
    },
    /// The template's value is not a map of parameters (SAM requires a dictionary).
    #[error("SAM policy template `{template}` takes a map of parameters")]
    NotAMap {
        /// The template's name.
        template: &'static str,
    },
    /// The embedded template file did not load; a build problem, reported rather than panicking.
    #[error("SAM policy templates could not be loaded: {0}")]
    Data(String),
}

/// One template: its parameter names and its `Statement` array, as SAM wrote them.
struct Template {
    parameters: Vec<String>,
    statements: Vec<serde_json::Value>,
}

type Table = BTreeMap<String, Template>;

fn table() -> Result<&'static Table, SamPolicyError> {
    static TABLE: OnceLock<Result<Table, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| load(TEMPLATES_JSON))
        .as_ref()
        .map_err(|e| SamPolicyError::Data(e.clone()))
}

fn load(text: &str) -> Result<Table, String> {
    let root: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let templates = root
        .get("Templates")
        .and_then(serde_json::Value::as_object)
        .ok_or("no `Templates` object")?;
    let mut table = Table::new();
    for (name, template) in templates {
        let parameters = template
            .get("Parameters")
            .and_then(serde_json::Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let statements = template
            .get("Definition")
            .and_then(|d| d.get("Statement"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .ok_or_else(|| format!("template `{name}` has no Definition.Statement array"))?;
        table.insert(
            name.clone(),
            Template {
                parameters,
                statements,
            },
        );
    }
    Ok(table)
}

/// Expand one SAM policy template. `params` is the node given in the template (a map of
/// parameter name -> value, or an empty map / null for templates without parameters).
/// Returns the policy statements as `Node`s in CloudFormation's own JSON shape
/// (`{"Effect": .., "Action": .., "Resource": ..}`), with every template parameter reference
/// (`{"Ref": "BucketName"}`) replaced by the caller's node for that parameter (keeping the
/// caller node's span), and everything else given `at` as its span (the span of the
/// `- S3ReadPolicy:` entry). Intrinsics such as `Fn::Sub` with `${AWS::Partition}` are left in
/// place (the caller resolves them). Unknown template name -> `Err(Unknown)`; missing
/// parameter -> `Err(MissingParameter)` naming it. Extra parameters are ignored, as SAM does.
pub fn expand(name: &str, params: Option<&Node>, at: Span) -> Result<Vec<Node>, SamPolicyError> {
    let table = table()?;
    let (name, template) = table
        .get_key_value(name)
        .ok_or_else(|| SamPolicyError::Unknown(name.to_owned()))?;
    let name: &'static str = name.as_str();
    let given = match params.map(|p| &p.value) {
        None | Some(Value::Null) => None,
        Some(Value::Map(m)) => Some(m),
        Some(_) if template.parameters.is_empty() => None,
        Some(_) => return Err(SamPolicyError::NotAMap { template: name }),
    };
    let mut values: BTreeMap<&str, &Node> = BTreeMap::new();
    for parameter in &template.parameters {
        let parameter: &'static str = parameter.as_str();
        match given.and_then(|m| m.get(parameter)) {
            Some(node) => {
                values.insert(parameter, node);
            }
            None => {
                return Err(SamPolicyError::MissingParameter {
                    template: name,
                    parameter,
                })
            }
        }
    }
    Ok(template
        .statements
        .iter()
        .map(|s| instantiate(s, &values, at))
        .collect())
}

/// Whether `name` is one of SAM's policy templates (as opposed to a managed policy name or
/// an inline statement list in `Policies`).
pub fn is_policy_template(name: &str) -> bool {
    table().is_ok_and(|t| t.contains_key(name))
}

/// Every template name, sorted.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    table()
        .ok()
        .into_iter()
        .flat_map(|t| t.keys().map(String::as_str))
}

/// A template value as a `Node` spanned `at`, with `{"Ref": "<Parameter>"}` replaced by the
/// caller's node. Recursion depth is that of SAM's templates (a handful of levels).
fn instantiate(value: &serde_json::Value, params: &BTreeMap<&str, &Node>, at: Span) -> Node {
    use serde_json::Value as J;
    match value {
        J::Object(obj) => {
            if let (1, Some(J::String(target))) = (obj.len(), obj.get("Ref")) {
                if let Some(node) = params.get(target.as_str()) {
                    return (*node).clone();
                }
            }
            let entries = obj
                .iter()
                .map(|(k, v)| Entry {
                    key: k.clone().into(),
                    key_span: at,
                    value: instantiate(v, params, at),
                })
                .collect();
            Node::map(Map { entries }, at)
        }
        J::Array(items) => Node::seq(
            items.iter().map(|v| instantiate(v, params, at)).collect(),
            at,
        ),
        other => json_to_node(other, at),
    }
}

/// A JSON value as a `Node` tree with every node (and key) spanned `at`. For data the
/// scanner ships (policy templates, managed policies) rather than data it read from a file.
pub(crate) fn json_to_node(value: &serde_json::Value, at: Span) -> Node {
    use serde_json::Value as J;
    match value {
        J::Null => Node::null(at),
        J::Bool(b) => Node::bool(*b, at),
        J::Number(n) => Node::number(n.clone(), at),
        J::String(s) => Node::string(s.clone(), at),
        J::Array(items) => Node::seq(items.iter().map(|v| json_to_node(v, at)).collect(), at),
        J::Object(obj) => Node::map(
            Map {
                entries: obj
                    .iter()
                    .map(|(k, v)| Entry {
                        key: k.clone().into(),
                        key_span: at,
                        value: json_to_node(v, at),
                    })
                    .collect(),
            },
            at,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use serde_json::json;

    fn at() -> Span {
        Span::new(FileId(0), 100, 120)
    }

    /// A caller's `!Ref <target>` node, as the YAML parser produces it.
    fn ref_node(target: &str, start: usize) -> Node {
        let span = Span::new(FileId(0), start, start + 5 + target.len());
        let mut m = Map::default();
        m.insert("Ref", span, Node::string(target, span));
        Node::map(m, span)
    }

    fn params(entries: &[(&str, Node)]) -> Node {
        let mut m = Map::default();
        for (k, v) in entries {
            m.insert(*k, v.span, v.clone());
        }
        Node::map(m, Span::new(FileId(0), 110, 140))
    }

    fn json_of(nodes: &[Node]) -> serde_json::Value {
        serde_json::Value::Array(nodes.iter().map(Node::to_json).collect())
    }

    #[test]
    fn embedded_templates_load() {
        let names: Vec<_> = template_names().collect();
        assert!(names.len() >= 80, "only {} templates", names.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(is_policy_template("S3ReadPolicy"));
        assert!(!is_policy_template("s3readpolicy"));
        assert!(!is_policy_template("AmazonS3FullAccess"));
    }

    #[test]
    fn s3_read_policy_keeps_the_parameter_span() {
        let bucket = ref_node("Bucket", 130);
        let p = params(&[("BucketName", bucket.clone())]);
        let stmts = expand("S3ReadPolicy", Some(&p), at()).unwrap();
        assert_eq!(stmts.len(), 1);
        let s = &stmts[0];
        assert_eq!(s.span, at());
        assert_eq!(s.get("Effect").and_then(Node::as_str), Some("Allow"));
        let actions = s.get("Action").and_then(Node::as_seq).unwrap();
        assert!(actions.iter().any(|a| a.as_str() == Some("s3:GetObject")));
        assert!(actions.iter().all(|a| a.span == at()));

        let resources = s.get("Resource").and_then(Node::as_seq).unwrap();
        assert_eq!(resources.len(), 2);
        for r in resources {
            let sub = r.get("Fn::Sub").and_then(Node::as_seq).unwrap();
            assert_eq!(sub[0].span, at());
            assert!(sub[0]
                .as_str()
                .unwrap()
                .starts_with("arn:${AWS::Partition}:s3:::${bucketName}"));
            let substituted = sub[1].get("bucketName").unwrap();
            assert_eq!(substituted, &bucket);
            assert_eq!(substituted.span, bucket.span);
        }
        // Key spans of template entries point at the policy entry too.
        let entry = s.as_map().unwrap().entry("Resource").unwrap();
        assert_eq!(entry.key_span, at());
    }

    #[test]
    fn dynamodb_crud_policy() {
        let p = params(&[(
            "TableName",
            Node::string("orders", Span::new(FileId(0), 130, 136)),
        )]);
        let stmts = expand("DynamoDBCrudPolicy", Some(&p), at()).unwrap();
        assert_eq!(
            json_of(&stmts),
            json!([{
                "Action": [
                    "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan",
                    "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"
                ],
                "Effect": "Allow",
                "Resource": [
                    {"Fn::Sub": ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
                                 {"tableName": "orders"}]},
                    {"Fn::Sub": ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*",
                                 {"tableName": "orders"}]}
                ]
            }])
        );
    }

    #[test]
    fn sqs_poller_policy() {
        let queue = ref_node("Queue", 130);
        let p = params(&[("QueueName", queue.clone())]);
        let stmts = expand("SQSPollerPolicy", Some(&p), at()).unwrap();
        assert_eq!(stmts.len(), 1);
        let sub = stmts[0]
            .get_path(&["Resource", "Fn::Sub"])
            .and_then(Node::as_seq)
            .unwrap();
        assert_eq!(
            sub[0].as_str(),
            Some("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}")
        );
        assert_eq!(sub[1].get("queueName"), Some(&queue));
        let actions = stmts[0].get("Action").unwrap().to_json();
        assert!(actions
            .as_array()
            .unwrap()
            .contains(&json!("sqs:ReceiveMessage")));
    }

    #[test]
    fn kms_decrypt_policy_has_a_single_action_string() {
        let p = params(&[(
            "KeyId",
            Node::string("1234abcd", Span::new(FileId(0), 130, 138)),
        )]);
        let stmts = expand("KMSDecryptPolicy", Some(&p), at()).unwrap();
        assert_eq!(
            stmts[0].get("Action").and_then(Node::as_str),
            Some("kms:Decrypt")
        );
        let sub = stmts[0]
            .get_path(&["Resource", "Fn::Sub"])
            .unwrap()
            .to_json();
        assert_eq!(
            sub,
            json!(["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", {"keyId": "1234abcd"}])
        );
    }

    #[test]
    fn secrets_manager_get_secret_value_policy() {
        let secret = ref_node("DbSecret", 130);
        let p = params(&[("SecretArn", secret.clone())]);
        let stmts = expand("AWSSecretsManagerGetSecretValuePolicy", Some(&p), at()).unwrap();
        assert_eq!(stmts.len(), 1);
        let s = &stmts[0];
        assert_eq!(
            s.get("Action").unwrap().to_json(),
            json!(["secretsmanager:GetSecretValue"])
        );
        let sub = s
            .get_path(&["Resource", "Fn::Sub"])
            .and_then(Node::as_seq)
            .unwrap();
        assert_eq!(sub[0].as_str(), Some("${secretArn}"));
        assert_eq!(sub[1].get("secretArn").map(|n| n.span), Some(secret.span));
    }

    #[test]
    fn step_functions_execution_policy() {
        let sm = ref_node("Machine", 130);
        let p = params(&[("StateMachineName", sm.clone())]);
        let stmts = expand("StepFunctionsExecutionPolicy", Some(&p), at()).unwrap();
        assert_eq!(
            stmts[0].get("Action").unwrap().to_json(),
            json!(["states:StartExecution"])
        );
        let sub = stmts[0]
            .get_path(&["Resource", "Fn::Sub"])
            .and_then(Node::as_seq)
            .unwrap();
        assert_eq!(sub[1].get("stateMachineName"), Some(&sm));
    }

    #[test]
    fn parameter_refs_inside_conditions_are_substituted() {
        let f = ref_node("Rotator", 130);
        let p = params(&[("FunctionName", f.clone())]);
        let stmts = expand("AWSSecretsManagerRotationPolicy", Some(&p), at()).unwrap();
        assert_eq!(stmts.len(), 2);
        let sub = stmts[0]
            .get_path(&[
                "Condition",
                "StringEquals",
                "secretsmanager:resource/AllowRotationLambdaArn",
                "Fn::Sub",
            ])
            .and_then(Node::as_seq)
            .unwrap();
        assert_eq!(sub[1].get("functionName"), Some(&f));
    }

    #[test]
    fn templates_without_parameters() {
        let empty = Node::map(Map::default(), Span::new(FileId(0), 110, 112));
        let stmts = expand("CloudWatchPutMetricPolicy", Some(&empty), at()).unwrap();
        assert_eq!(
            json_of(&stmts),
            json!([{"Action": ["cloudwatch:PutMetricData"], "Effect": "Allow", "Resource": "*"}])
        );
        assert_eq!(stmts[0].span, at());
        // `CloudWatchPutMetricPolicy:` with nothing after it, or no node at all.
        let null = Node::null(Span::new(FileId(0), 110, 110));
        assert_eq!(
            expand("CloudWatchPutMetricPolicy", Some(&null), at()).unwrap(),
            stmts
        );
        assert_eq!(
            expand("CloudWatchPutMetricPolicy", None, at()).unwrap(),
            stmts
        );
    }

    #[test]
    fn extra_parameters_are_ignored() {
        let p = params(&[
            (
                "QueueName",
                Node::string("q", Span::new(FileId(0), 130, 131)),
            ),
            ("Unused", Node::string("x", Span::new(FileId(0), 132, 133))),
        ]);
        assert!(expand("SQSSendMessagePolicy", Some(&p), at()).is_ok());
    }

    #[test]
    fn unknown_template() {
        assert_eq!(
            expand("S3ReadAllThePolicies", None, at()),
            Err(SamPolicyError::Unknown("S3ReadAllThePolicies".into()))
        );
    }

    #[test]
    fn missing_parameter_is_named() {
        let p = params(&[(
            "TableName",
            Node::string("t", Span::new(FileId(0), 130, 131)),
        )]);
        let err = expand("DynamoDBStreamReadPolicy", Some(&p), at()).unwrap_err();
        assert_eq!(
            err,
            SamPolicyError::MissingParameter {
                template: "DynamoDBStreamReadPolicy",
                parameter: "StreamName",
            }
        );
        assert_eq!(
            err.to_string(),
            "SAM policy template `DynamoDBStreamReadPolicy` needs parameter `StreamName`"
        );
        let empty = Node::map(Map::default(), at());
        assert!(matches!(
            expand("S3ReadPolicy", Some(&empty), at()),
            Err(SamPolicyError::MissingParameter {
                parameter: "BucketName",
                ..
            })
        ));
        assert!(matches!(
            expand("S3ReadPolicy", None, at()),
            Err(SamPolicyError::MissingParameter {
                parameter: "BucketName",
                ..
            })
        ));
    }

    #[test]
    fn parameters_must_be_a_map() {
        let s = Node::string("my-bucket", at());
        assert_eq!(
            expand("S3ReadPolicy", Some(&s), at()),
            Err(SamPolicyError::NotAMap {
                template: "S3ReadPolicy"
            })
        );
    }

    #[test]
    fn every_template_expands_and_no_parameter_ref_survives() {
        let table = table().unwrap();
        for (name, template) in table {
            let given: Vec<(&str, Node)> = template
                .parameters
                .iter()
                .map(|p| {
                    (
                        p.as_str(),
                        Node::string(format!("value-of-{p}"), Span::new(FileId(1), 0, 1)),
                    )
                })
                .collect();
            let p = params(&given);
            let stmts = expand(name, Some(&p), at()).unwrap();
            assert!(!stmts.is_empty(), "{name}");
            for s in &stmts {
                assert!(s.get("Effect").is_some(), "{name}");
            }
            // SAM's templates use `Ref` only for their own parameters, and use each one.
            let text = json_of(&stmts).to_string();
            assert!(!text.contains("\"Ref\""), "{name}: {text}");
            for param in &template.parameters {
                assert!(
                    text.contains(&format!("value-of-{param}")),
                    "{name}: {param} unused"
                );
            }
        }
    }
}
