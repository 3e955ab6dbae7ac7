//! Rules the templates keep, checked on their source: every CSRF field comes from the one
//! macro in `templates/macros.html`, so its spelling (and the token it carries) cannot drift
//! between forms.

use std::path::Path;

#[test]
fn every_csrf_field_is_written_by_the_macro() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut offenders = Vec::new();
    let mut calls = 0;
    let entries = std::fs::read_dir(&dir).expect("the templates folder");
    for entry in entries {
        let path = entry.expect("a template").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        calls += text.matches("m::csrf(").count();
        if name == "macros.html" {
            assert_eq!(
                text.matches(r#"name="csrf""#).count(),
                1,
                "the macro writes the field once"
            );
            assert_eq!(
                text.matches(r#"name="form_token""#).count(),
                1,
                "beside it, the token of the form's rendering (web/once.rs), once"
            );
            continue;
        }
        // Any spelling of the attribute: quotes or none, spaces around `=`.
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for raw in [
            r#"name="csrf""#,
            "name='csrf'",
            "name=csrf",
            r#"name="form_token""#,
        ] {
            if squeezed.contains(raw) {
                offenders.push(name.clone());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "write the CSRF field with {{% call m::csrf(chrome.csrf) %}}{{% endcall %}}: {offenders:?}"
    );
    assert!(calls > 0, "the forms use the macro");
}
