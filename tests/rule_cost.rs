//! No built-in rule grows with the square of a unit's size: each rule's
//! evaluation time (the thread's CPU time) on a template of 150 and of 1,200
//! services. It is its own test binary: cargo runs test binaries one after
//! another and the tests of one binary in parallel, whose work would slow
//! the rule's through shared caches.
// Outside the library: a panic is how a test reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// A SAM template of `n` services, each a function with an `Api` event, a
/// policy template and an SQS event on its own queue, and a bucket with a
/// bucket policy: every collection the joins read grows with `n`.
fn wide_template(n: usize) -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n",
    );
    for i in 0..n {
        t.push_str(&format!(
            "  Fn{i}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 60
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Bucket{i}
      Events:
        Api:
          Type: Api
          Properties:
            Path: /f{i}
            Method: get
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue{i}.Arn
  Queue{i}:
    Type: AWS::SQS::Queue
  Bucket{i}:
    Type: AWS::S3::Bucket
  BucketPolicy{i}:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket{i}
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{AWS: '*'}}
            Action: s3:GetObject
            Resource: '*'
"
        ));
    }
    t
}

/// Each built-in rule's cost at 8x the items: a linear rule costs about 8x,
/// a quadratic one about 64x; more than 16x fails, naming the rule. A fixed
/// 2 ms is added to the small cost so that rules costing next to nothing
/// (timer noise) cannot fail.
#[test]
fn no_rule_is_quadratic() {
    let dir = tempfile::tempdir().unwrap();
    let input = |n: usize| {
        let path = dir.path().join(format!("t{n}.yaml"));
        std::fs::write(&path, wide_template(n)).unwrap();
        let model = faasguard::scan::model_json(&path).unwrap();
        regorus::Value::from_json_str(&model.to_string()).unwrap()
    };
    let (small, large) = (input(150), input(1200));
    let settings = faasguard::scan::Settings::default();
    let mut engine = faasguard::scan::load_engine(&settings).unwrap();
    let ids: Vec<String> = engine.rules().iter().map(|r| r.meta.id.clone()).collect();
    // The CPU time of this thread, the best of a few runs: wall time on a
    // busy machine counts other processes' work as the rule's.
    let mut cost = |rule: usize, input: &regorus::Value| {
        (0..3)
            .map(|_| {
                let t = cpu_time::ThreadTime::now();
                engine.eval_single(rule, input.clone()).unwrap();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut quadratic = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (a, b) = (cost(i, &small), cost(i, &large));
        let ratio = b / (a + 0.002);
        if ratio > 16.0 {
            quadratic.push(format!(
                "{id}: {:.1} ms at 150, {:.1} ms at 1200 ({ratio:.0}x)",
                a * 1e3,
                b * 1e3
            ));
        }
    }
    assert!(quadratic.is_empty(), "{quadratic:#?}");
}
