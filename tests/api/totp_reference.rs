//! Our TOTP against an independent implementation: Python's `pyotp`, from the
//! project's virtual environment, for random secrets at random times.

use std::process::Command;

use portcullis::ports::{OsRandom, Random};
use portcullis::totp::{DIGITS, STEP_SECONDS, TotpSecret};

#[test]
fn six_digit_codes_agree_with_pyotp() {
    let cases: Vec<(TotpSecret, u64)> = (0..200)
        .map(|_| {
            let mut time = [0u8; 4];
            OsRandom.fill(&mut time);
            (
                TotpSecret::generate(&OsRandom),
                u64::from(u32::from_be_bytes(time)),
            )
        })
        .collect();
    let script = "import json, sys, pyotp\n\
                  for secret, at in json.load(sys.stdin):\n    \
                  print(pyotp.TOTP(secret).at(at))";
    let input = serde_json::to_string(
        &cases
            .iter()
            .map(|(secret, at)| (secret.base32(), *at))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let python = devserver::workspace_root().join(".venv/bin/python");
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the virtual environment's Python (make venv)");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pyotp ran");
    let theirs: Vec<u32> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.parse().unwrap())
        .collect();
    assert_eq!(theirs.len(), cases.len());
    for ((secret, at), theirs) in cases.iter().zip(theirs) {
        assert_eq!(
            secret.code_at_step(at / STEP_SECONDS, DIGITS),
            theirs,
            "at {at}"
        );
    }
}
