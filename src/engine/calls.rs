//! The load-time check that every function a policy calls exists (a
//! builtin regorus supports, a conftest one, or one the policies define).

use super::{EngineError, PolicyFile};

/// regorus only notices a call to a function that does not exist when the
/// call runs. So that a policy using a builtin regorus lacks fails at load,
/// naming the file and line, every call in every policy is checked against
/// the builtins and the functions the policies define.
pub(super) fn check_calls(policies: &[PolicyFile]) -> Result<(), EngineError> {
    use regorus::unstable::{Lexer, Source, TokenKind};
    struct Call {
        name: String,
        file: String,
        line: u32,
        col: u32,
    }
    let mut defined = std::collections::BTreeSet::new();
    let mut calls = Vec::new();
    for p in policies {
        let source = Source::from_contents(p.path.clone(), p.text.clone())
            .map_err(|e| EngineError::Policy(e.to_string()))?;
        let mut lexer = Lexer::new(&source);
        let mut tokens = Vec::new();
        loop {
            let tok = lexer
                .next_token()
                .map_err(|e| EngineError::Policy(e.to_string()))?;
            if matches!(tok.0, TokenKind::Eof) {
                break;
            }
            tokens.push(tok);
        }
        let mut i = 0;
        while i < tokens.len() {
            if !matches!(tokens[i].0, TokenKind::Ident) {
                i += 1;
                continue;
            }
            // An identifier chain `a.b.c`, then maybe `(`.
            let start = i;
            let mut name = tokens[i].1.text().to_string();
            while i + 2 < tokens.len()
                && tokens[i + 1].1.text() == "."
                && matches!(tokens[i + 2].0, TokenKind::Ident)
            {
                name.push('.');
                name.push_str(tokens[i + 2].1.text());
                i += 2;
            }
            let preceded_by_dot = start > 0 && tokens[start - 1].1.text() == ".";
            if !preceded_by_dot && tokens.get(i + 1).is_some_and(|t| t.1.text() == "(") {
                let head = &tokens[start].1;
                if head.col == 1 {
                    defined.insert(name.rsplit('.').next().unwrap_or("").to_string());
                } else {
                    calls.push(Call {
                        name,
                        file: p.path.clone(),
                        line: head.line,
                        col: head.col,
                    });
                }
            }
            i += 1;
        }
    }
    for c in calls {
        let last = c.name.rsplit('.').next().unwrap_or("");
        let known = c.name == "print"
            || regorus::unstable::BUILTINS.contains_key(c.name.as_str())
            || crate::conftest::builtins::NAMES.contains(&c.name.as_str())
            || defined.contains(last);
        if !known {
            return Err(EngineError::Policy(format!(
                "{}:{}:{}: unknown function `{}`: it is not a builtin that faasguard's Rego engine supports, nor a function defined in the loaded policies",
                c.file, c.line, c.col, c.name
            )));
        }
    }
    Ok(())
}
