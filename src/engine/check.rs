//! Running a rule's examples and counterexamples through the engine: the check
//! `keyscan rules check` and the rule tests make of every rule file.

use super::Engine;
use crate::rules::{Example, RuleProblem};

/// Problems with the examples of every rule in `engine`: a pattern that does not
/// compile, an example the rule does not
/// match (or captures a different secret from), or a counterexample it matches.
pub fn check_examples(engine: &Engine) -> Vec<RuleProblem> {
    let mut problems = Vec::new();
    for (index, rule) in engine.rules().iter().enumerate() {
        let mut problem = |message: String| {
            problems.push(RuleProblem {
                source: rule.source.clone(),
                line: Some(rule.line),
                rule_id: Some(rule.id.clone()),
                message,
            })
        };
        // Built-in patterns are compiled lazily; this is where their compilation is checked.
        if let Err(message) = rule.pattern.compile_now() {
            problem(message);
            continue;
        }
        for example in &rule.examples {
            let text = example.text().as_bytes();
            if !engine.keyword_hit(text, index) {
                problem(format!("no keyword occurs in example {:?}", example.text()));
                continue;
            }
            let found = engine.scan_with_rule(text, index);
            match example {
                Example::Text(_) if found.is_empty() => problem(format!(
                    "example does not match: {:?}: {}",
                    example.text(),
                    why_not(engine, text, index)
                )),
                Example::WithSecret { secret, .. }
                    if !found
                        .iter()
                        .any(|range| &text[range.clone()] == secret.as_bytes()) =>
                {
                    let got: Vec<String> = found
                        .iter()
                        .map(|range| String::from_utf8_lossy(&text[range.clone()]).into_owned())
                        .collect();
                    let why = if got.is_empty() {
                        format!("; {}", why_not(engine, text, index))
                    } else {
                        String::new()
                    };
                    problem(format!(
                        "example should capture {secret:?} but captured {got:?}: {:?}{why}",
                        example.text()
                    ))
                }
                _ => {}
            }
        }
        for counter in &rule.counterexamples {
            if engine.keyword_hit(counter.as_bytes(), index)
                && !engine.scan_with_rule(counter.as_bytes(), index).is_empty()
            {
                problem(format!("counterexample matches: {counter:?}"));
            }
        }
    }
    problems
}

/// Why the rule at `index` finds nothing in `text`: what its filters refused, or that
/// its pattern matches nothing.
fn why_not(engine: &Engine, text: &[u8], index: usize) -> String {
    let rejected = engine.rejections(text, index);
    if rejected.is_empty() {
        return "the pattern matches nothing in it".to_owned();
    }
    rejected
        .iter()
        .map(|(range, why)| {
            format!(
                "the pattern captured {:?} but {why}",
                String::from_utf8_lossy(&text[range.clone()])
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
