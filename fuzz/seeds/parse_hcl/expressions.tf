provider "aws" {
  region = "eu-west-1"
}

resource "aws_sqs_queue" "q" {
  count                      = 2
  name                       = "q-${count.index}"
  visibility_timeout_seconds = count.index == 0 ? 60 : 30
  policy = <<-POLICY
    {"Statement": [{"Effect": "Allow", "Action": "sqs:*"}]}
  POLICY
}

resource "aws_s3_bucket" "b" {
  for_each = toset(["a", "b"])
  bucket   = "logs-${each.key}" # faasguard:ignore FG-ENC-001 reason="x"
}

module "m" {
  source = "./missing"
}

output "names" {
  value = [for q in aws_sqs_queue.q : upper(q.name) if q.name != ""]
}
