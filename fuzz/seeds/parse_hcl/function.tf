variable "memory" {
  type    = number
  default = 256
}

locals {
  name = "orders-${var.memory}"
  tags = { team = "payments", env = "prod" }
}

resource "aws_lambda_function" "orders" {
  function_name = local.name
  role          = aws_iam_role.orders.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  memory_size   = var.memory
  timeout       = 30
  tags          = merge(local.tags, { fn = "orders" })

  environment {
    variables = {
      TABLE = aws_dynamodb_table.orders.name
    }
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_iam_role" "orders" {
  name = "orders"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
