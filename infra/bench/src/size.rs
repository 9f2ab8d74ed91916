//! Binary sizes. The release profile strips the binaries, so the size on disk is
//! the stripped size, provided they really are stripped: that is checked, so a
//! profile that stops stripping cannot pass off its sizes as stripped ones.

use std::path::Path;

use anyhow::{Context, bail};

/// `SHT_SYMTAB`: the section type of the symbol table `strip` removes.
const SYMBOL_TABLE: u32 = 2;

pub fn stripped_size(path: &Path) -> anyhow::Result<u64> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if has_symbol_table(&bytes).with_context(|| format!("reading {} as ELF", path.display()))? {
        bail!(
            "{} is not stripped (has a symbol table): the release profile must keep `strip = true`",
            path.display()
        );
    }
    Ok(bytes.len() as u64)
}

/// Walks the section headers of a 64-bit little-endian ELF file (what Lambda runs).
fn has_symbol_table(elf: &[u8]) -> anyhow::Result<bool> {
    if elf.get(..6) != Some(&[0x7f, b'E', b'L', b'F', 2, 1]) {
        bail!("not a 64-bit little-endian ELF file");
    }
    let number = |at: usize, len: usize| -> anyhow::Result<u64> {
        let field = elf.get(at..at + len).context("truncated ELF header")?;
        Ok(field.iter().rev().fold(0, |n, &b| n << 8 | u64::from(b)))
    };
    let table = usize::try_from(number(0x28, 8)?)?;
    let entry_size = usize::try_from(number(0x3a, 2)?)?;
    let count = usize::try_from(number(0x3c, 2)?)?;
    for index in 0..count {
        let section_type = number(table + index * entry_size + 4, 4)?;
        if section_type == u64::from(SYMBOL_TABLE) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_has_a_symbol_table() {
        let exe = std::env::current_exe().unwrap();
        assert!(has_symbol_table(&std::fs::read(exe).unwrap()).unwrap());
    }

    #[test]
    fn anything_but_elf_is_refused() {
        assert!(has_symbol_table(b"#!/bin/sh\n").is_err());
    }
}
