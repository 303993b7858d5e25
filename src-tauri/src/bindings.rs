//! Writes what the window needs to know about the commands, from the one list
//! (`commands/list.rs`) and the commands' own signatures:
//! `ui/src/lib/bindings/commands.ts` (a typed wrapper per command) and
//! `capabilities/default.json` (the window may call exactly these). Run with the
//! tests, like ts-rs's types; the test command fails when a committed file was stale.

use std::collections::BTreeMap;
use std::path::Path;

use crate::ipc::{Arg, CommandSpec};

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

fn typescript(specs: &[CommandSpec]) -> String {
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |arg: &Arg| {
        for (name, file) in &arg.imports {
            imports.insert(name.clone(), format!("./{}", file.trim_end_matches(".ts")));
        }
    };
    let mut functions = String::new();
    for spec in specs {
        spec.args.iter().for_each(&mut note);
        if let Some(channel) = &spec.channel {
            note(channel);
        }
        note(&spec.returns);
        let mut params: Vec<String> = spec.args.iter().map(|a| format!("{}: {}", a.name, a.ts)).collect();
        let mut sent: Vec<String> = spec.args.iter().map(|a| a.name.to_string()).collect();
        if let Some(channel) = &spec.channel {
            params.push(format!("{}: (message: {}) => void", channel.name, channel.ts));
            sent.push(format!("{0}: channel({0})", channel.name));
        }
        if !spec.doc.is_empty() {
            functions.push_str(&format!("\n/** {} */", spec.doc));
        }
        let args = if sent.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", sent.join(", "))
        };
        functions.push_str(&format!(
            "\nexport function {}({}): Promise<{}> {{\n  return call(\"{}\"{args});\n}}\n",
            camel(spec.name),
            params.join(", "),
            spec.returns.ts,
            spec.name,
        ));
    }
    let mut out = String::from(
        "// Generated from the shell's commands (src-tauri/src/commands/list.rs) by\n\
         // src-tauri/src/bindings.rs when the Rust tests run. Do not edit.\n\n",
    );
    out.push_str("import { call, channel } from \"../ipc\";\n");
    for (name, file) in &imports {
        out.push_str(&format!("import type {{ {name} }} from \"{file}\";\n"));
    }
    out.push_str(&functions);
    out
}

fn capabilities(specs: &[CommandSpec]) -> String {
    let permissions: Vec<String> = specs
        .iter()
        .map(|s| format!("    \"allow-{}\"", s.name.replace('_', "-")))
        .collect();
    format!(
        "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"default\",\n  \
         \"description\": \"Generated from src/commands/list.rs: the main window may call Waybill's own commands and nothing else.\",\n  \
         \"windows\": [\"main\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        permissions.join(",\n")
    )
}

/// Writes `text` to `path` only if it differs, so an unchanged file keeps its time.
fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

/// The form labels of the fields (`labels.rs`), for the window's inputs.
fn field_labels() -> String {
    let mut out = String::from(
        "// Generated from the shell's labels (src-tauri/src/labels.rs) by\n\
         // src-tauri/src/bindings.rs when the Rust tests run. Do not edit.\n\n\
         import type { Field } from \"./Field\";\n\n\
         /** How the app labels each field, in its forms and its error messages. */\n\
         export const FIELD_LABELS: Record<Field, string> = {\n",
    );
    for field in waybill::error::Field::ALL {
        let name = serde_json::to_value(field).expect("a field serializes");
        out.push_str(&format!(
            "  {}: {:?},\n",
            name.as_str().expect("as a string"),
            crate::labels::field_label(field)
        ));
    }
    out.push_str("};\n");
    out
}

/// The views a `waybill://` link can name (`waybill::links::VIEWS`), for the window's router.
fn link_views() -> String {
    let views = serde_json::to_string_pretty(&waybill::links::VIEWS).expect("the views serialize");
    format!(
        "// Generated from waybill::links::VIEWS by src-tauri/src/bindings.rs when the Rust\n\
         // tests run. Do not edit.\n\n\
         import type {{ LinkView }} from \"./LinkView\";\n\n\
         /** The views a `waybill://` link can name, and their paths in the window's route. */\n\
         export const LINK_VIEWS: LinkView[] = {views};\n"
    )
}

/// The commands that write, for the end-to-end test that calls each from the
/// window's own code and expects each to wait for the user's yes.
fn write_commands(specs: &[CommandSpec]) -> String {
    let names: Vec<&str> = specs.iter().filter(|s| s.writes).map(|s| s.name).collect();
    format!("{}\n", serde_json::to_string_pretty(&names).expect("names serialize"))
}

#[test]
fn export_command_bindings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let specs = crate::command_specs();
    write(&root.join("../ui/src/lib/bindings/commands.ts"), &typescript(&specs));
    write(&root.join("../ui/src/lib/bindings/labels.ts"), &field_labels());
    write(&root.join("../ui/src/lib/bindings/linkViews.ts"), &link_views());
    write(&root.join("capabilities/default.json"), &capabilities(&specs));
    write(&root.join("../e2e/write-commands.json"), &write_commands(&specs));
}

#[test]
fn every_command_is_listed_once_and_granted() {
    let specs = crate::command_specs();
    let mut names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), specs.len(), "a command is listed twice");
    let caps = capabilities(&specs);
    for spec in &specs {
        assert!(caps.contains(&format!("\"allow-{}\"", spec.name.replace('_', "-"))));
        // 64-bit integers arrive as JS numbers, not bigint: give them `#[ts(type = "number")]`.
        for arg in spec.args.iter().chain(&spec.channel).chain([&spec.returns]) {
            assert!(!arg.ts.contains("bigint"), "{}: {} is typed bigint", spec.name, arg.ts);
        }
    }
}
