//! Our TOTP against an independent implementation: Python's `pyotp`, from the
//! project's virtual environment, for random secrets at random times.

use std::process::Command;

use portcullis::mfa::totp::{DIGITS, STEP_SECONDS, TotpSecret};
use portcullis::ports::{OsRandom, Random};

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

#[test]
fn the_qr_png_reads_as_a_valid_png_with_the_standard_library_of_python() {
    let png =
        portcullis::qr::qr_png("otpauth://totp/Example%20LLP:ada?secret=GEZDGNBVGY3TQOJQ").unwrap();
    let script = "import struct, sys, zlib\n\
                  data = sys.stdin.buffer.read()\n\
                  assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n\
                  at, idat = 8, b''\n\
                  while at < len(data):\n    \
                  (length,) = struct.unpack('>I', data[at:at+4])\n    \
                  kind, body = data[at+4:at+8], data[at+8:at+8+length]\n    \
                  (crc,) = struct.unpack('>I', data[at+8+length:at+12+length])\n    \
                  assert zlib.crc32(kind + body) == crc, kind\n    \
                  if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])\n    \
                  if kind == b'IDAT': idat += body\n    \
                  at += 12 + length\n\
                  raw = zlib.decompress(idat)\n\
                  assert len(raw) == height * (1 + (width + 7) // 8), (len(raw), width, height)\n\
                  assert (depth, colour) == (1, 0)\n\
                  print(width)";
    let python = devserver::workspace_root().join(".venv/bin/python");
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &png).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the PNG is valid");
}
