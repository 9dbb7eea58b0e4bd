//! `cargo bench --bench scan`: scans generated trees (1 template, 1,000 and
//! 10,000 templates of SAM YAML, CloudFormation YAML and JSON; a mixed tree of
//! 1,000 files in all four formats with lockfiles) and the shared corpus with
//! the release binary, and prints wall time, files/s, MB/s and
//! peak memory (max RSS of the child process). Targets live in the issues;
//! nothing here asserts on time.
// Outside the library: a panic is how a bench reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn template(i: usize) -> (String, &'static str) {
    // A small deterministic generator: every template differs a little.
    let runtime = [
        "python3.12",
        "nodejs20.x",
        "python3.7",
        "java21",
        "nodejs16.x",
    ][i % 5];
    let timeout = [3, 30, 60, 900, 1200][i % 5];
    let action = [
        "s3:GetObject",
        "dynamodb:*",
        "*",
        "sqs:SendMessage",
        "iam:PassRole",
    ][i % 5];
    match i % 3 {
        0 => (
            format!(
                r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: generated service {i}
Parameters:
  Stage:
    Type: String
    Default: prod
Globals:
  Function:
    Runtime: {runtime}
    Timeout: {timeout}
    Tracing: Active
Resources:
  Api{i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Environment:
        Variables:
          TABLE: !Ref Table
          STAGE: !Ref Stage
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Table
        - Statement:
            - Effect: Allow
              Action: "{action}"
              Resource: "*"
      Events:
        Get:
          Type: Api
          Properties:
            Path: /items/{i}
            Method: get
  Worker{i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: worker.handler
      CodeUri: worker/
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "data-${{Stage}}-{i}"
"#
            ),
            "yaml",
        ),
        1 => (
            format!(
                r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ["{action}", logs:CreateLogStream]
                Resource: "*"
  Fn{i}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {runtime}
      Handler: index.handler
      Timeout: {timeout}
      Role: !GetAtt Role{i}.Arn
      Code: {{ZipFile: "exports.handler = async () => 1"}}
  Topic:
    Type: AWS::SNS::Topic
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 14
"#
            ),
            "yaml",
        ),
        _ => (
            format!(
                r#"{{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {{
    "Fn{i}": {{
      "Type": "AWS::Lambda::Function",
      "Properties": {{
        "Runtime": "{runtime}",
        "Handler": "index.handler",
        "Timeout": {timeout},
        "Role": "arn:aws:iam::123456789012:role/fn",
        "Code": {{"S3Bucket": "b", "S3Key": "k"}},
        "Environment": {{"Variables": {{"MODE": "fast"}}}}
      }}
    }},
    "Permission{i}": {{
      "Type": "AWS::Lambda::Permission",
      "Properties": {{
        "FunctionName": {{"Ref": "Fn{i}"}},
        "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com",
        "SourceArn": "arn:aws:s3:::bucket-{i}"
      }}
    }},
    "Key": {{
      "Type": "AWS::KMS::Key",
      "Properties": {{
        "EnableKeyRotation": true,
        "KeyPolicy": {{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": {{"Fn::Sub": "arn:aws:iam::${{AWS::AccountId}}:root"}}}}, "Action": "kms:*", "Resource": "*"}}]}}
      }}
    }}
  }}
}}
"#
            ),
            "json",
        ),
    }
}

/// A Terraform module file and a serverless service, deterministic like
/// [`template`].
fn terraform(i: usize) -> String {
    let runtime = ["python3.12", "nodejs16.x", "python3.9", "java21"][i % 4];
    let timeout = [3, 60, 900, 1200][i % 4];
    format!(
        r#"variable "timeout_{i}" {{
  type    = number
  default = {timeout}
}}

locals {{
  name_{i} = "fn-${{var.timeout_{i}}}-{i}"
}}

resource "aws_iam_role" "role_{i}" {{
  name = "role-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}

data "aws_iam_policy_document" "doc_{i}" {{
  statement {{
    actions   = ["s3:*"]
    resources = ["*"]
  }}
}}

resource "aws_iam_role_policy" "policy_{i}" {{
  role   = aws_iam_role.role_{i}.id
  policy = data.aws_iam_policy_document.doc_{i}.json
}}

resource "aws_lambda_function" "fn_{i}" {{
  function_name = local.name_{i}
  role          = aws_iam_role.role_{i}.arn
  runtime       = "{runtime}"
  handler       = "app.handler"
  filename      = "app.zip"
  timeout       = var.timeout_{i}
  environment {{
    variables = {{
      DB_PASSWORD = "not-a-real-password-{i}"
    }}
  }}
}}

resource "aws_sqs_queue" "queue_{i}" {{
  name = "q-{i}"
}}
"#
    )
}

fn serverless(i: usize) -> String {
    let runtime = ["python3.12", "nodejs16.x", "python3.8"][i % 3];
    format!(
        r#"service: svc-{i}
frameworkVersion: '3'
custom:
  timeout: {timeout}
provider:
  name: aws
  runtime: {runtime}
  region: ${{opt:region, 'eu-west-1'}}
  stage: ${{opt:stage, 'dev'}}
  iam:
    role:
      statements:
        - Effect: Allow
          Action: 'dynamodb:*'
          Resource: '*'
functions:
  hello:
    handler: handler.hello
    timeout: ${{self:custom.timeout}}
    events:
      - httpApi:
          path: /hello
          method: get
  worker:
    handler: handler.worker
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
"#,
        timeout = [6, 30, 1000][i % 3]
    )
}

/// 1,000 files: SAM/CloudFormation templates, Terraform modules of five
/// files, serverless services with a requirements.txt each.
fn generate_mixed(dir: &Path) -> u64 {
    let marker = dir.join(".complete-mixed");
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(dir);
        for i in 0..1_000 {
            let sub = dir.join(format!("part{:02}", i / 100));
            let (path, text) = match i % 4 {
                0 | 1 => {
                    let (text, ext) = template(i);
                    (sub.join(format!("template{i}.{ext}")), text)
                }
                2 => (
                    sub.join(format!("tf{:03}", i / 20))
                        .join(format!("m{i}.tf")),
                    terraform(i),
                ),
                _ if i % 8 == 3 => (
                    sub.join(format!("sls{i}")).join("serverless.yml"),
                    serverless(i),
                ),
                _ => (
                    sub.join(format!("sls{}", i - 4)).join("requirements.txt"),
                    "flask==1.1.4\nwerkzeug==1.0.1\npyjwt==1.6.4\nrequests==2.31.0\n".to_string(),
                ),
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(path, text).expect("write");
        }
        std::fs::write(&marker, "").expect("marker");
    }
    dir_bytes(dir)
}

fn generate(dir: &Path, n: usize) -> u64 {
    let marker = dir.join(format!(".complete-{n}"));
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(dir);
        for i in 0..n {
            let (text, ext) = template(i);
            let sub = dir.join(format!("svc{:03}", i / 100));
            std::fs::create_dir_all(&sub).expect("mkdir");
            std::fs::write(sub.join(format!("template{i}.{ext}")), text).expect("write");
        }
        std::fs::write(&marker, "").expect("marker");
    }
    dir_bytes(dir)
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            total += dir_bytes(&p);
        } else {
            total += e.metadata().map_or(0, |m| m.len());
        }
    }
    total
}

fn count_files(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += count_files(&p);
        } else if !e.file_name().to_string_lossy().starts_with('.') {
            n += 1;
        }
    }
    n
}

/// Wall seconds and peak RSS (KiB) of one run.
fn run(bin: &Path, args: &[&str]) -> (f64, u64, Vec<u8>) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(bin)
        .args(args)
        .output()
        .or_else(|_| Command::new(bin).args(args).output())
        .expect("run faasguard");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (secs, rss, out.stdout)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn report(name: &str, bin: &Path, dir: &Path, threads: &str, repeats: usize) -> Vec<u8> {
    report_with(name, bin, dir, threads, repeats, &[])
}

fn report_with(
    name: &str,
    bin: &Path,
    dir: &Path,
    threads: &str,
    repeats: usize,
    extra: &[&str],
) -> Vec<u8> {
    let files = count_files(dir);
    let bytes = dir_bytes(dir);
    let mut times = Vec::new();
    let mut rss = 0;
    let mut out = Vec::new();
    for _ in 0..repeats {
        let mut args = vec![
            "scan",
            dir.to_str().unwrap_or("."),
            "--format",
            "json",
            "--threads",
            threads,
        ];
        args.extend_from_slice(extra);
        let (t, m, o) = run(bin, &args);
        times.push(t);
        rss = rss.max(m);
        out = o;
    }
    let t = median(times);
    println!(
        "{name:<32} threads={threads}  {files:>6} files  {:>7.1} MB  {:>8.3} s  {:>9.0} files/s  {:>6.1} MB/s  peak {:>6.1} MB",
        bytes as f64 / 1e6,
        t,
        files as f64 / t,
        bytes as f64 / 1e6 / t,
        rss as f64 / 1024.0
    );
    out
}

fn main() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_faasguard"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data");
    let one = data.join("one");
    let k1 = data.join("k1");
    let k10 = data.join("k10");
    generate(&one, 1);
    generate(&k1, 1_000);
    generate(&k10, 10_000);
    let mixed = data.join("mixed");
    generate_mixed(&mixed);
    println!("faasguard scan benchmark (median of runs; peak = max RSS)");
    report("1 template (incl. start-up)", &bin, &one, "2", 21);
    report("1,000 templates", &bin, &k1, "2", 5);
    let m1 = report("1,000 mixed files (4 formats)", &bin, &mixed, "1", 1);
    let m2 = report("1,000 mixed files (4 formats)", &bin, &mixed, "2", 5);
    println!(
        "mixed output identical at --threads 1 and 2: {}",
        if m1 == m2 { "yes" } else { "NO" }
    );
    let advisories = root.join("../shared/corpus/advisories");
    if advisories.is_dir() {
        report_with(
            "1,000 mixed + advisory db",
            &bin,
            &mixed,
            "2",
            5,
            &["--advisory-db", advisories.to_str().unwrap_or(".")],
        );
    }
    let a = report("10,000 templates", &bin, &k10, "1", 1);
    let b = report("10,000 templates", &bin, &k10, "2", 3);
    println!(
        "output identical at --threads 1 and 2: {}",
        if a == b { "yes" } else { "NO" }
    );
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        report("shared corpus (all files)", &bin, &corpus, "2", 3);
    } else {
        println!("(../shared/corpus absent: corpus run skipped)");
    }
}
