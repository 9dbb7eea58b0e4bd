//! Adapter tests: one service in, the model's exact values and spans out;
//! the public corpus of real services; hostile input.

use super::*;
use crate::model::item_id;
use crate::parse::{self, Syntax};

fn run_env(text: &str, env: &Env) -> Model {
    let doc = parse::parse(text, Syntax::Yaml, FileId(0))
        .unwrap()
        .remove(0);
    adapt_text(
        &doc,
        FileId(0),
        Path::new("serverless.yml"),
        Some(text),
        env,
    )
    .0
}

fn run(text: &str) -> Model {
    run_env(text, &Env::default())
}

fn item(m: &Model, c: &str, id: &str) -> serde_json::Value {
    m.item(c, id)
        .unwrap_or_else(|| panic!("no {c} {id}: {:#}", m.to_json("x")[c]))
        .to_json()
}

/// Line (1-based) of the node at `path` in item `id`.
fn line(m: &Model, text: &str, id: &str, path: &str) -> usize {
    let span = m.locate(id, path).unwrap();
    text[..span.start as usize].matches('\n').count() + 1
}

const BASIC: &str = "service: shop
provider:
  name: aws
  runtime: nodejs18.x
  stage: prod
  region: eu-west-1
  timeout: 20
  memorySize: 512
  tracing:
    lambda: true
  environment:
    TABLE: orders
    DB_PASSWORD: ${ssm:/shop/db}
  kmsKeyArn: arn:aws:kms:eu-west-1:1:key/k
  logRetentionInDays: 14
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:*
          Resource: '*'
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: !GetAtt Queue.Arn
      managedPolicies:
        - arn:aws:iam::aws:policy/AdministratorAccess
functions:
  hello:
    handler: src/hello.handler
    timeout: 6
    environment:
      TABLE: own
  other-fn:
    handler: x.y
    runtime: python3.12
    tracing: PassThrough
resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
";

#[test]
fn provider_defaults_flow_into_functions() {
    let m = run(BASIC);
    let f = item(&m, "functions", "hello");
    assert_eq!(f["name"], "shop-prod-hello");
    assert_eq!(f["type"], "AWS::Lambda::Function");
    assert_eq!(f["runtime"], "nodejs18.x");
    assert_eq!(f["timeout"], 6);
    assert_eq!(f["memory_size"], 512);
    assert_eq!(f["tracing"], "Active");
    assert_eq!(f["environment"]["TABLE"], "own");
    assert_eq!(f["environment"]["DB_PASSWORD"]["unknown"], true);
    assert_eq!(
        f["sensitive_environment"],
        serde_json::json!(["DB_PASSWORD"])
    );
    assert_eq!(f["kms_key"], "arn:aws:kms:eu-west-1:1:key/k");
    assert_eq!(f["role"], "IamRoleLambdaExecution");
    let o = item(&m, "functions", "other-fn");
    assert_eq!(o["runtime"], "python3.12");
    assert_eq!(o["timeout"], 20);
    assert_eq!(o["tracing"], "PassThrough");
    // Provider values point at the provider's lines, own values at their own.
    assert_eq!(line(&m, BASIC, "other-fn", "timeout"), 7);
    assert_eq!(line(&m, BASIC, "hello", "timeout"), 30);
    assert_eq!(line(&m, BASIC, "hello", "environment.TABLE"), 32);
    assert_eq!(line(&m, BASIC, "hello", "environment.DB_PASSWORD"), 13);
}

#[test]
fn the_shared_role_carries_the_provider_statements() {
    let m = run(BASIC);
    let role = item(&m, "roles", "IamRoleLambdaExecution");
    assert_eq!(role["implicit"], true);
    assert_eq!(
        role["assume_role_policy"]["statements"][0]["principal"]["Service"],
        serde_json::json!(["lambda.amazonaws.com"])
    );
    let p = item(
        &m,
        "policies",
        "IamRoleLambdaExecution/Policies/provider.iam.role.statements",
    );
    assert_eq!(p["kind"], "identity");
    assert_eq!(
        p["attached_to"],
        serde_json::json!(["IamRoleLambdaExecution"])
    );
    assert_eq!(p["statements"][0]["action"], serde_json::json!(["s3:*"]));
    assert_eq!(p["statements"][1]["resource"][0]["ref"], "Queue");
    let id = "IamRoleLambdaExecution/Policies/provider.iam.role.statements";
    assert_eq!(line(&m, BASIC, id, "statements.0.action.0"), 20);
    let admin = m
        .items("policies")
        .iter()
        .find(|p| p.get("managed_name").and_then(Node::as_str) == Some("AdministratorAccess"))
        .unwrap()
        .to_json();
    assert_eq!(
        admin["attached_to"],
        serde_json::json!(["IamRoleLambdaExecution"])
    );
}

#[test]
fn log_groups_regions_and_headers() {
    let m = run(BASIC);
    let l = item(&m, "log_groups", "HelloLogGroup");
    assert_eq!(l["name"], "/aws/lambda/shop-prod-hello");
    assert_eq!(l["retention_days"], 14);
    assert!(m.item("log_groups", "OtherDashfnLogGroup").is_some());
    let regions: Vec<(String, String)> = m
        .items("regions")
        .iter()
        .map(|r| {
            let j = r.to_json();
            (
                j["region"].as_str().unwrap().into(),
                j["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(regions[0], ("eu-west-1".into(), "provider".into()));
    assert!(regions.contains(&("eu-west-1".into(), "arn".into())));
    let ids: Vec<&str> = m.headers.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["hello", "other-fn", "Queue"]);
    assert_eq!(m.format, Format::Serverless);
    assert!(m.item("queues", "Queue").is_some());
    assert!(m.items("functions").len() == 2, "no stub functions remain");
}

#[test]
fn a_value_through_a_variable_points_at_its_definition() {
    let text = "service: s\nprovider:\n  name: aws\ncustom:\n  timeout: 1000\nfunctions:\n  a:\n    handler: h\n    timeout: ${self:custom.timeout}\n";
    let m = run(text);
    assert_eq!(item(&m, "functions", "a")["timeout"], 1000);
    assert_eq!(line(&m, text, "a", "timeout"), 5);
    let span = m.locate("a", "timeout").unwrap();
    assert_eq!(
        m.via,
        vec![(
            span,
            "through ${self:custom.timeout}, used at line 9".to_string()
        )]
    );
}

#[test]
fn events_become_routes_apis_and_mappings() {
    let text = "service: s
provider:
  name: aws
  logs:
    restApi: true
  tracing:
    apiGateway: true
  httpApi:
    authorizers:
      jwtAuth: {identitySource: $request.header.Authorization, issuerUrl: https://x}
      fnAuth: {type: request, functionName: auth}
functions:
  a:
    handler: h
    events:
      - http: GET users
      - http:
          path: admin
          method: post
          authorizer: aws_iam
          private: true
      - httpApi: '*'
      - httpApi:
          method: GET
          path: /me
          authorizer: {name: jwtAuth}
      - httpApi: {method: POST, path: /x, authorizer: {name: fnAuth}}
      - sqs: {arn: !GetAtt Q.Arn, batchSize: 5}
      - stream: arn:aws:dynamodb:us-east-1:1:table/t/stream/x
      - schedule: rate(1 hour)
resources:
  Resources:
    Q: {Type: AWS::SQS::Queue}
";
    let m = run(text);
    let r0 = item(&m, "routes", "a/events/0");
    assert_eq!(r0["api"], "ApiGatewayRestApi");
    assert_eq!(r0["method"], "GET");
    assert_eq!(r0["path"], "/users");
    assert_eq!(r0["authorization_type"], "NONE");
    assert_eq!(line(&m, text, "a/events/0", "authorization_type"), 16);
    let r1 = item(&m, "routes", "a/events/1");
    assert_eq!(r1["authorization_type"], "AWS_IAM");
    assert_eq!(r1["api_key_required"], true);
    assert_eq!(item(&m, "routes", "a/events/2")["method"], "$default");
    assert_eq!(
        item(&m, "routes", "a/events/3")["authorization_type"],
        "JWT"
    );
    assert_eq!(
        item(&m, "routes", "a/events/4")["authorization_type"],
        "CUSTOM"
    );
    let rest = item(&m, "apis", "ApiGatewayRestApi");
    assert_eq!(rest["kind"], "rest");
    assert_eq!(rest["stage"], "dev");
    assert_eq!(rest["tracing"], true);
    assert_eq!(rest["access_logging"], true);
    let http = item(&m, "apis", "HttpApi");
    assert_eq!(http["kind"], "http");
    assert!(http.get("access_logging").is_none());
    let sqs = item(&m, "event_source_mappings", "a/events/5");
    assert_eq!(sqs["source"], "Q");
    assert_eq!(sqs["source_type"], "sqs");
    assert_eq!(sqs["batch_size"], 5);
    assert_eq!(sqs["function"], "a");
    let st = item(&m, "event_source_mappings", "a/events/6");
    assert_eq!(st["source_type"], "dynamodb");
    let f = item(&m, "functions", "a");
    assert_eq!(f["async_invoked"], true);
    assert_eq!(
        f["events"][7],
        serde_json::json!({"name": "7", "type": "schedule"})
    );
    assert_eq!(line(&m, text, "a", "async_invoked"), 30);
}

#[test]
fn urls_destinations_and_custom_roles() {
    let text = "service: s
provider:
  name: aws
  iam:
    role: arn:aws:iam::1:role/custom
functions:
  a:
    handler: h
    url: true
    destinations:
      onFailure: b
  b:
    handler: h
    url:
      authorizer: aws_iam
    onError: !GetAtt Dlq.Arn
    role: LambdaRole
  c:
    handler: h
    iamRoleStatements:
      - {Effect: Allow, Action: 'dynamodb:*', Resource: '*'}
resources:
  Resources:
    Dlq: {Type: AWS::SQS::Queue}
    LambdaRole: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
    Perm:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !Ref CLambdaFunction
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
plugins:
  - serverless-iam-roles-per-function
";
    let m = run(text);
    let a = item(&m, "functions", "a");
    assert_eq!(a["on_failure"], "b");
    assert_eq!(a["async_invoked"], true);
    assert_eq!(a["role"], "arn:aws:iam::1:role/custom");
    assert_eq!(item(&m, "function_urls", "a/Url")["auth_type"], "NONE");
    assert_eq!(line(&m, text, "a/Url", "auth_type"), 9);
    assert_eq!(item(&m, "function_urls", "b/Url")["auth_type"], "AWS_IAM");
    let b = item(&m, "functions", "b");
    assert_eq!(b["on_failure"], "Dlq");
    assert_eq!(b["role"], "LambdaRole");
    let c = item(&m, "functions", "c");
    assert_eq!(c["role"], "CIamRoleLambdaExecution");
    // The permission in `resources:` names the generated function: linked.
    assert_eq!(c["async_invoked"], true);
    let perm = item(&m, "policies", "Perm");
    assert_eq!(perm["attached_to"], serde_json::json!(["c"]));
    let p = item(
        &m,
        "policies",
        "CIamRoleLambdaExecution/Policies/functions.c.iamRoleStatements",
    );
    assert_eq!(
        p["statements"][0]["action"],
        serde_json::json!(["dynamodb:*"])
    );
    assert!(m.item("roles", "IamRoleLambdaExecution").is_none());
}

#[test]
fn extensions_override_generated_resources() {
    let text = "service: s
provider: {name: aws, logRetentionInDays: 7}
functions:
  hello: {handler: h}
resources:
  extensions:
    HelloLogGroup:
      Properties:
        RetentionInDays: 30
        KmsKeyId: arn:aws:kms:us-east-1:1:key/k
";
    let m = run(text);
    let l = item(&m, "log_groups", "HelloLogGroup");
    assert_eq!(l["retention_days"], 30);
    assert_eq!(l["kms_key"], "arn:aws:kms:us-east-1:1:key/k");
    assert_eq!(line(&m, text, "HelloLogGroup", "retention_days"), 9);
}

#[test]
fn sns_events_create_topics_that_overrides_and_policies_reach() {
    let text = "service: s
provider: {name: aws}
functions:
  a:
    handler: h
    events:
      - sns: order-placed
      - sns: {topicName: refunds, displayName: Refunds}
      - sns: arn:aws:sns:us-east-1:1:existing
      - sns: {arn: arn:aws:sns:us-east-1:1:other, topicName: other}
  b:
    handler: h
    events:
      - sns: order-placed
resources:
  Resources:
    SNSTopicRefunds:
      Properties:
        KmsMasterKeyId: alias/refunds
    RefundsPolicy:
      Type: AWS::SNS::TopicPolicy
      Properties:
        Topics: [!Ref SNSTopicRefunds]
        PolicyDocument:
          Statement:
            - {Effect: Allow, Principal: '*', Action: sns:Publish, Resource: '*'}
";
    let m = run(text);
    let ids: Vec<&str> = m.items("topics").iter().filter_map(item_id).collect();
    assert_eq!(ids, vec!["SNSTopicOrderplaced", "SNSTopicRefunds"]);
    let placed = item(&m, "topics", "SNSTopicOrderplaced");
    assert_eq!(placed["name"], "order-placed");
    assert!(placed.get("kms_key").is_none());
    assert_eq!(line(&m, text, "SNSTopicOrderplaced", "kms_key"), 7);
    assert_eq!(
        item(&m, "topics", "SNSTopicRefunds")["kms_key"],
        "alias/refunds"
    );
    assert_eq!(line(&m, text, "SNSTopicRefunds", "kms_key"), 19);
    let p = item(&m, "policies", "RefundsPolicy");
    assert_eq!(p["attached_to"], serde_json::json!(["SNSTopicRefunds"]));
}

#[test]
fn secrets_are_found_where_written() {
    let text = "service: s
provider:
  name: aws
custom:
  key: AKIAIOSFODNN7EXAMPLQ
functions:
  a:
    handler: h
    environment:
      AWS_KEY: ${self:custom.key}
      STRIPE: sk_live_4eC39HqLyjWDarjtT1zdp7dc
";
    let m = run(text);
    let secrets: Vec<serde_json::Value> = m
        .items("hardcoded_secrets")
        .iter()
        .map(Node::to_json)
        .collect();
    assert_eq!(secrets.len(), 2, "{secrets:#?}");
    let lines: BTreeSet<usize> = m
        .items("hardcoded_secrets")
        .iter()
        .map(|n| text[..n.span.start as usize].matches('\n').count() + 1)
        .collect();
    assert_eq!(lines, BTreeSet::from([5, 11]));
}

#[test]
fn deployment_bucket_encryption() {
    let text = "service: s\nprovider:\n  name: aws\n  deploymentBucket:\n    serverSideEncryption: AES256\n";
    let m = run(text);
    let b = item(&m, "buckets", "ServerlessDeploymentBucket");
    assert_eq!(b["encryption"]["algorithm"], "AES256");
    assert_eq!(
        line(
            &m,
            text,
            "ServerlessDeploymentBucket",
            "encryption.algorithm"
        ),
        5
    );
    let p = item(&m, "policies", "ServerlessDeploymentBucketPolicy");
    assert_eq!(p["statements"][0]["effect"], "Deny");
    let named = run("service: s\nprovider:\n  deploymentBucket:\n    name: mine\n");
    assert!(named.items("buckets").is_empty());
}

#[test]
fn other_clouds_are_not_modelled() {
    let m = run(
        "service: s\nprovider: {name: google, runtime: nodejs8}\nfunctions:\n  a: {handler: h}\n",
    );
    assert!(m.items("functions").is_empty());
    assert_eq!(m.headers.len(), 1);
}

#[test]
fn unknowns_stay_unknown_and_cycles_are_noted() {
    let text = "service: s
provider:
  name: aws
  timeout: ${ssm:/t}
custom:
  a: ${self:custom.b}
  b: ${self:custom.a}
functions:
  f:
    handler: h
    memorySize: ${self:custom.a}
";
    let m = run(text);
    let f = item(&m, "functions", "f");
    assert_eq!(f["timeout"]["unknown"], true);
    assert_eq!(f["memory_size"]["unknown"], true);
    assert!(
        m.notes.iter().any(|(n, _)| n.contains("variable cycle")),
        "{:?}",
        m.notes
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let mut deep = String::from("service: s\nprovider: {name: aws}\ncustom:\n  x: '");
    for _ in 0..10_000 {
        deep.push_str("${opt:a, ");
    }
    deep.push_str(&"}".repeat(10_000));
    deep.push_str(
        "'\n  whole: ${self:}\nfunctions:\n  f: {handler: h, timeout: '${self:custom.x}'}\n",
    );
    let m = run(&deep);
    assert_eq!(item(&m, "functions", "f")["timeout"]["unknown"], true);
    let huge = format!(
        "service: s\nprovider: {{name: aws}}\nfunctions:\n  f: {{handler: '{}'}}\n",
        "${self:functions}".repeat(50_000)
    );
    let m = run(&huge);
    assert_eq!(m.items("functions").len(), 1);
    let weird = "service: [1]\nprovider: aws\nfunctions: [{a: 1}, 2, {b: {events: [1, {http: 3}, {sqs: null}, {httpApi: {}}]}}]\nresources: 7\n";
    let m = run(weird);
    assert_eq!(m.items("functions").len(), 1);
}

/// Every real service in the public corpus adapts without panicking, and
/// only deploy-time things (`${env:}`, `${ssm:}`, missing files) stay
/// unknown: no note at all.
#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn corpus_services_adapt_without_noise() {
    let dir = crate::shared::path("corpus/real/serverless-examples");
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                name.as_str(),
                "serverless.yml" | "serverless.yaml" | "serverless.json"
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 191);
    let mut notes = Vec::new();
    let mut functions = 0;
    for (i, p) in files.iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let syntax = if p.extension().is_some_and(|e| e == "json") {
            Syntax::Json
        } else {
            Syntax::Yaml
        };
        let Ok(docs) = parse::parse(&text, syntax, FileId(i as u32)) else {
            continue;
        };
        let Some(doc) = docs.into_iter().find(|d| d.as_map().is_some()) else {
            continue;
        };
        let env = Env {
            root: Some(dir.clone()),
            ..Env::default()
        };
        let (m, _) = adapt_text(&doc, FileId(i as u32), p, Some(&text), &env);
        functions += m.items("functions").len();
        for (n, _) in &m.notes {
            notes.push(format!("{}: {n}", p.display()));
        }
    }
    assert!(functions > 200, "{functions}");
    assert!(notes.is_empty(), "{notes:#?}");
}

#[test]
fn function_statements_need_the_per_function_roles_plugin() {
    let text = "service: s
provider:
  name: aws
  iam:
    role:
      statements:
        - {Effect: Allow, Action: '*', Resource: '*'}
functions:
  c:
    handler: h
    iamRoleStatements:
      - {Effect: Allow, Action: 'dynamodb:GetItem', Resource: '*'}
";
    let m = run(text);
    // The Framework ignores `iamRoleStatements` without the plugin.
    assert_eq!(item(&m, "functions", "c")["role"], "IamRoleLambdaExecution");
    let with = format!("{text}plugins:\n  - serverless-iam-roles-per-function\n");
    let m = run(&with);
    assert_eq!(
        item(&m, "functions", "c")["role"],
        "CIamRoleLambdaExecution"
    );
}

#[test]
fn framework_defaults_fill_what_nobody_wrote_at_the_function_header() {
    let text = "service: s
provider:
  name: aws
  memorySize: 256
functions:
  bare:
    handler: h
  own:
    handler: h
    timeout: 0
  extended:
    handler: h
resources:
  extensions:
    ExtendedLambdaFunction:
      Properties:
        Timeout: 12
";
    let m = run(text);
    let bare = item(&m, "functions", "bare");
    assert_eq!(bare["timeout"], 6);
    assert_eq!(bare["memory_size"], 256);
    assert_eq!(bare["defaults"], serde_json::json!(["timeout"]));
    // The default points at the function's key; the provider's memory at
    // the provider.
    assert_eq!(line(&m, text, "bare", "timeout"), 6);
    assert_eq!(line(&m, text, "bare", "defaults.0"), 6);
    assert_eq!(line(&m, text, "bare", "memory_size"), 4);
    // A written value stays as written, even one the Framework would reject.
    let own = item(&m, "functions", "own");
    assert_eq!(own["timeout"], 0);
    assert_eq!(own.get("defaults"), None);
    // An `extensions:` override is written too.
    let ext = item(&m, "functions", "extended");
    assert_eq!(ext["timeout"], 12);
    assert_eq!(ext.get("defaults"), None);
    let m = run("functions:\n  f:\n    handler: h\n");
    let f = item(&m, "functions", "f");
    assert_eq!(
        (&f["timeout"], &f["memory_size"], &f["defaults"]),
        (
            &serde_json::json!(6),
            &serde_json::json!(1024),
            &serde_json::json!(["timeout", "memory_size"])
        )
    );
    // No `logRetentionInDays` anywhere: the Framework sets none (never
    // expire), so the log group has none.
    assert_eq!(
        item(&m, "log_groups", "FLogGroup").get("retention_days"),
        None
    );
}

#[test]
fn the_rest_api_resource_policy_is_a_resource_policy_with_spanned_statements() {
    let text = "service: s
provider:
  name: aws
  apiGateway:
    resourcePolicy:
      - Effect: Allow
        Principal: '*'
        Action: execute-api:Invoke
        Resource: execute-api:/*
      - Effect: Deny
        Principal: '*'
        Action: execute-api:Invoke
        Resource: execute-api:/*
        Condition:
          NotIpAddress:
            aws:SourceIp: [10.0.0.0/8]
functions:
  a:
    handler: h
    events:
      - http: GET /x
";
    let m = run(text);
    let id = "ApiGatewayRestApi/Policy";
    let p = item(&m, "policies", id);
    assert_eq!(p["kind"], "resource");
    assert_eq!(p["target_type"], "execute-api");
    assert_eq!(p["origin"], "resource_policy");
    assert_eq!(p["attached_to"], serde_json::json!(["ApiGatewayRestApi"]));
    assert_eq!(
        p["statements"][0]["principal"]["AWS"],
        serde_json::json!(["*"])
    );
    assert_eq!(p["statements"][1]["effect"], "Deny");
    assert_eq!(
        p["statements"][1]["condition"]["NotIpAddress"]["aws:SourceIp"],
        serde_json::json!(["10.0.0.0/8"])
    );
    assert_eq!(line(&m, text, id, ""), 5);
    assert_eq!(line(&m, text, id, "statements.0"), 6);
    assert_eq!(line(&m, text, id, "statements.0.principal.AWS.0"), 7);
    assert_eq!(line(&m, text, id, "statements.1"), 10);
    // No `http` event: the Framework creates no REST API, so no policy.
    let without = text.replace("      - http: GET /x\n", "");
    assert!(run(&without).item("policies", id).is_none());
}

const STEP_FUNCTIONS: &str = "service: s
plugins:
  - serverless-step-functions
provider:
  name: aws
functions:
  work:
    handler: h
stepFunctions:
  stateMachines:
    orderFlow:
      type: STANDARD
      tracingConfig: {}
      loggingConfig:
        level: ERROR
        destinations:
          - arn:aws:logs:us-east-1:1:log-group:sfn
      iamRoleStatements:
        - Effect: Allow
          Action: '*'
          Resource: '*'
      events:
        - http: {path: orders, method: post}
        - schedule: rate(1 hour)
      definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: !GetAtt work.Arn
            End: true
    named:
      name: Checkout
      role: arn:aws:iam::1:role/sfn
      tracingConfig: {enabled: true}
      encryptionConfig: {Type: CUSTOMER_MANAGED_KMS_KEY, KmsKeyId: k}
      definition: '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}'
";

#[test]
fn step_functions_state_machines_with_the_plugin() {
    let text = STEP_FUNCTIONS;
    let m = run(text);
    let id = "OrderFlowStepFunctionsStateMachine";
    let sm = item(&m, "state_machines", id);
    assert_eq!(sm["name"], "orderFlow");
    assert_eq!(sm["type"], "AWS::StepFunctions::StateMachine");
    assert_eq!(sm["workflow_type"], "STANDARD");
    // `tracingConfig` without `enabled`: the plugin's default, false.
    assert_eq!(sm["tracing"], false);
    assert_eq!(line(&m, text, id, "tracing"), 13);
    assert_eq!(
        sm["logging"],
        serde_json::json!({"level": "ERROR", "destinations": [
            {"CloudWatchLogsLogGroup": {"LogGroupArn": "arn:aws:logs:us-east-1:1:log-group:sfn"}}
        ]})
    );
    assert_eq!(sm.get("encryption"), None);
    assert_eq!(sm["definition"]["States"]["Work"]["Type"], "Task");
    assert_eq!(line(&m, text, id, "definition.States.Work"), 29);
    assert_eq!(sm["role"], "OrderFlowStepFunctionsStateMachineRole");
    assert_eq!(
        sm["events"],
        serde_json::json!([{"name": "0", "type": "http"}, {"name": "1", "type": "schedule"}])
    );
    let role = item(&m, "roles", "OrderFlowStepFunctionsStateMachineRole");
    assert_eq!(
        role["assume_role_policy"]["statements"][0]["principal"]["Service"],
        serde_json::json!(["states.amazonaws.com"])
    );
    let pid = "OrderFlowStepFunctionsStateMachineRole/Policies/stepFunctions.stateMachines.orderFlow.iamRoleStatements";
    let p = item(&m, "policies", pid);
    assert_eq!(p["statements"][0]["action"], serde_json::json!(["*"]));
    assert_eq!(line(&m, text, pid, "statements.0.action.0"), 20);
    let route = item(&m, "routes", &format!("{id}/events/0"));
    assert_eq!(route["state_machine"], id);
    assert_eq!(route["api"], "ApiGatewayRestApi");
    assert_eq!(route["method"], "post");
    assert_eq!(route["path"], "/orders");
    assert_eq!(route["authorization_type"], "NONE");
    // The REST API exists for the state machine's route alone.
    assert_eq!(item(&m, "apis", "ApiGatewayRestApi")["kind"], "rest");

    let named = item(&m, "state_machines", "Checkout");
    assert_eq!(named["name"], "Checkout");
    assert_eq!(named["tracing"], true);
    assert_eq!(named["role"], "arn:aws:iam::1:role/sfn");
    assert_eq!(
        named["encryption"],
        serde_json::json!({"type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key": "k"})
    );
    assert_eq!(named["definition"]["States"]["A"]["Type"], "Pass");
    assert!(m.item("roles", "CheckoutRole").is_none());
    // Each state machine has a header for suppression comments.
    let ids: Vec<&str> = m.headers.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["work", id, "Checkout"]);

    // Without the plugin the Framework ignores the section.
    let plain = text.replace("plugins:\n  - serverless-step-functions\n", "");
    let m = run(&plain);
    assert!(m.items("state_machines").is_empty());
    assert!(m.item("apis", "ApiGatewayRestApi").is_none());
}

/// `provider.logs.restApi` as the REST API stage's settings for every method.
#[test]
fn rest_api_logs_become_method_settings() {
    let with = |logs: &str| {
        format!(
            "service: s\nprovider:\n  name: aws\n  stage: prod\n  logs:\n    restApi: {logs}\nfunctions:\n  f:\n    handler: h\n    events:\n      - http: GET /x\n"
        )
    };
    let id = "ApiGatewayRestApi/Logs";
    let m = run(&with("true"));
    let s = item(&m, "method_settings", id);
    assert_eq!(s["api"], "ApiGatewayRestApi");
    assert_eq!(s["stage"], "prod");
    assert_eq!(s["resource_path"], "/*");
    assert_eq!(s["http_method"], "*");
    assert_eq!(s["logging_level"], "INFO");
    let m = run(&with("{level: ERROR}"));
    assert_eq!(item(&m, "method_settings", id)["logging_level"], "ERROR");
    // Execution logging off: a setting without a level (OFF), spanned at the flag.
    let text = with("\n      accessLogging: true\n      executionLogging: false");
    let m = run(&text);
    let s = item(&m, "method_settings", id);
    assert_eq!(s.get("logging_level"), None);
    assert_eq!(line(&m, &text, id, ""), 8);
    // `false`: no settings at all.
    assert!(run(&with("false")).item("method_settings", id).is_none());
}
