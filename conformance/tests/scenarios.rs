//! Every file under `conformance/scenarios/` is one test. Set
//! `IMIP_BLESS=1` to rewrite expectations with the actual output.

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, found);
        } else if path.extension().is_some_and(|e| e == "scenario") {
            found.push(path);
        }
    }
}

fn check(path: &Path, bless: bool, known: Option<&BTreeSet<String>>) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (blessed, mismatches) =
        conformance::run(&text, known).map_err(|e| format!("{}: {e}", path.display()))?;
    if mismatches.is_empty() {
        return Ok(());
    }
    if bless {
        std::fs::write(path, blessed).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    Err(format!("{}:\n{}\n(IMIP_BLESS=1 rewrites the expectations)", path.display(), mismatches.join("\n\n"))
        .into())
}

fn main() {
    let arguments = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let bless = std::env::var_os("IMIP_BLESS").is_some_and(|v| v == "1");
    // Step IDs are checked against the checklist's IDs, kept in the repository.
    let ids = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklist-ids.txt");
    let text = std::fs::read_to_string(&ids).unwrap_or_else(|e| panic!("{}: {e}", ids.display()));
    let known = Some(Arc::new(conformance::checklist_ids(&text)));
    let mut found = Vec::new();
    files(&root, &mut found);
    let trials = found
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap_or(&path).with_extension("").display().to_string();
            let known = known.clone();
            Trial::test(name, move || check(&path, bless, known.as_deref()))
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit();
}
