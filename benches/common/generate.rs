//! The generated inputs of the size benchmarks (`scale` and `memory`): one
//! SAM template with `n` functions (YAML, or one line of JSON) and one
//! Terraform module with `n` functions from `for_each`. Shared so that both
//! benchmarks measure the same inputs.

use std::fmt::Write as _;

/// A SAM template in YAML with `n` functions.
pub fn sam_yaml(n: usize) -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    );
    for i in 0..n {
        let _ = write!(
            t,
            "  Fn{i}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Bucket
      Events:
        Api:
          Type: Api
          Properties:
            Path: /f{i}
            Method: get
"
        );
    }
    t
}

/// The same template as one line of JSON.
pub fn sam_json(n: usize) -> String {
    let mut t = String::from(
        r#"{"AWSTemplateFormatVersion":"2010-09-09","Transform":"AWS::Serverless-2016-10-31","Resources":{"Bucket":{"Type":"AWS::S3::Bucket"}"#,
    );
    for i in 0..n {
        let _ = write!(
            t,
            r#","Fn{i}":{{"Type":"AWS::Serverless::Function","Properties":{{"Runtime":"python3.12","Handler":"app.handler","CodeUri":"src/","Policies":[{{"S3ReadPolicy":{{"BucketName":{{"Ref":"Bucket"}}}}}}],"Events":{{"Api":{{"Type":"Api","Properties":{{"Path":"/f{i}","Method":"get"}}}}}}}}}}"#
        );
    }
    t.push_str("}}");
    t
}

/// A Terraform module with `n` functions from one `for_each` set, each with
/// a role (and inline policy) and an API Gateway invoke permission from
/// the same set.
pub fn terraform(n: usize) -> String {
    let mut names = String::new();
    for i in 0..n {
        let _ = write!(names, "{}\"f{i}\"", if i == 0 { "" } else { ", " });
    }
    format!(
        r#"locals {{
  names = toset([{names}])
}}

resource "aws_iam_role" "fn" {{
  for_each           = local.names
  name               = "role-${{each.key}}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
  inline_policy {{
    name   = "read"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::data/${{each.key}}/*" }}]
    }})
  }}
}}

resource "aws_lambda_function" "fn" {{
  for_each      = local.names
  function_name = each.key
  role          = aws_iam_role.fn[each.key].arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}}

resource "aws_lambda_permission" "api" {{
  for_each      = local.names
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:eu-west-1:123456789012:api/*/GET/${{each.key}}"
}}
"#
    )
}
