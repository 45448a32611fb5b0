#!/bin/sh
# build.sh — rebuild the default fonts embedded in linghang from their
# registry packages. Reproducible: same package versions → same files.
#
#   apt-get install -y fonttools          # Debian: pyftsubset
#   sh templates/fonts/build.sh           # from the repository root
#
# Sources (all SIL Open Font License 1.1, see OFL-*.txt here):
#   npm  @expo-google-fonts/noto-serif-sc@0.4.3  NotoSerifSC_400Regular.ttf, NotoSerifSC_700Bold.ttf
#   npm  @expo-google-fonts/noto-sans-sc@0.4.3   NotoSansSC_400Regular.ttf
#   deb  fonts-lxgw-wenkai 1.250+repack-1        LXGWWenKai-Regular.ttf (subset renamed Linghang Kai)
#   shared/fonts/ZhuqueFangsong-Regular.ttf       朱雀仿宋 0.211, compiled from the TrionesType
#        source (see shared/fonts/README.md; no Reserved Font Name); checked by SHA-256.
#        Another location: ZHUQUE=/path/to/ZhuqueFangsong-Regular.ttf sh build.sh
#
# Only some fonts: sh build.sh ZhuqueFangsong   (names: NotoSerifSC-Bold NotoSansSC
# LinghangKai NotoSerifSC-Regular ZhuqueFangsong; default all)
#
# Cuts:
#   role fonts (标题 Noto Serif SC Bold, 正文 Zhuque Fangsong, 黑体 Noto Sans SC, 楷体 LXGW WenKai):
#       GB 2312 (6763 hanzi + symbols) + ASCII + CJK punctuation + rare name characters
#   fallback (正文/表格 and coverage, Noto Serif SC Regular):
#       every BMP hanzi: CJK Unified Ideographs U+4E00–9FFF, Ext A U+3400–4DBF,
#       compatibility ideographs, radicals, CJK punctuation, full-width forms, Latin,
#       and the font's ideographs beyond U+FFFF (Ext B+), which the engine draws as outlines
# Outlines stay TrueType (glyf); layout tables and hinting are dropped (the
# engine does its own layout; CJK outlines in these fonts are unhinted).
# Files are stored uncompressed: every command starts without inflating
# 28 MB (git compresses them in its packs anyway).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
zhuque=${ZHUQUE:-$here/../../../shared/fonts/ZhuqueFangsong-Regular.ttf}
zhuque_sha=680fab5d4ff5fef9461886f32cefe74832d2570af2517072ab60f0ec62d6e31c
want=" ${*:-NotoSerifSC-Bold NotoSansSC LinghangKai NotoSerifSC-Regular ZhuqueFangsong} "
wants() { case "$want" in *" $1 "*) return 0 ;; esac; return 1; }
work=${TMPDIR:-/tmp}/linghang-fonts.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cd "$work"

if wants NotoSerifSC-Bold || wants NotoSansSC || wants NotoSerifSC-Regular; then
	npm pack --silent @expo-google-fonts/noto-serif-sc@0.4.3 @expo-google-fonts/noto-sans-sc@0.4.3 >/dev/null
	tar xzf expo-google-fonts-noto-serif-sc-0.4.3.tgz --one-top-level=serif
	tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz --one-top-level=sans
fi
if wants LinghangKai; then
	apt-get download fonts-lxgw-wenkai=1.250+repack-1 >/dev/null
	dpkg-deb -x fonts-lxgw-wenkai_1.250+repack-1_all.deb wenkai
fi
if wants ZhuqueFangsong; then
	echo "$zhuque_sha  $zhuque" | sha256sum -c --quiet - || { echo "build.sh: $zhuque is not Zhuque Fangsong 0.211" >&2; exit 1; }
fi

# Character lists: GB 2312 from Python's codec, rare name characters from
# rare-names.txt, punctuation and symbols from the ranges below.
python3 - "$here/rare-names.txt" <<'PY'
import sys
gb = []
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            gb.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
rare = [c for c in open(sys.argv[1], encoding="utf-8").read() if ord(c) > 0x2000 and not c.isspace()]
common = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x180)]
common += [chr(c) for c in range(0x2000, 0x2070)]   # general punctuation: — … ‘ ’ “ ” ‰ ※
common += [chr(c) for c in range(0x2100, 0x2200)]   # letterlike, number forms: ℃ № Ⅰ
common += [chr(c) for c in range(0x2190, 0x2300)]   # arrows, math operators: → × ≤ ⋯ (centred ellipsis)
common += [chr(c) for c in range(0x2460, 0x2580)]   # enclosed numerals ① ⑴ ⒈, box drawing ─
common += [chr(c) for c in range(0x25A0, 0x2600)]   # geometric shapes □ ■ ○ ●
common += [chr(c) for c in range(0x3000, 0x3040)]   # CJK symbols and punctuation
common += [chr(c) for c in range(0xFE10, 0xFE20)] + [chr(c) for c in range(0xFE30, 0xFE50)]
common += [chr(c) for c in range(0xFF00, 0xFFF0)]   # full-width forms
role = sorted(set(gb + rare + common))
fallback = set(role)
for a, b in [(0x2E80, 0x2FE0), (0x3000, 0x3100), (0x3190, 0x3200), (0x3200, 0x3400),
             (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0xFE10, 0xFE70), (0xFF00, 0xFFF0),
             (0x20000, 0x323B0)]:  # the font's few Ext B+ ideographs, drawn as outlines
    fallback.update(chr(c) for c in range(a, b))
open("role.txt", "w", encoding="utf-8").write("".join(role))
open("fallback.txt", "w", encoding="utf-8").write("".join(sorted(fallback)))
PY

cut() { # src dst textfile
	pyftsubset "$1" --output-file="$2" --text-file="$3" \
		--layout-features='' --no-hinting --notdef-outline \
		--name-IDs='*' --name-languages='*' --name-legacy \
		--drop-tables+=GSUB,GPOS,GDEF,BASE,vhea,vmtx,VORG,DSIG,meta
	if [ -n "${4:-}" ]; then rename "$2" "$4"; fi
	out="$here/$(basename "$2")"
	cp "$2" "$out.tmp"
	mv "$out.tmp" "$out" # atomic: a build never embeds half a file
}
# OFL Reserved Font Names ("霞鹜", "LXGW") may not be used by modified
# versions: the subset of LXGW WenKai is renamed.
rename() { # file "Family Name"
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from fontTools.ttLib import TTFont
path, fam = sys.argv[1], sys.argv[2]
ps = fam.replace(" ", "") + "-Regular"
f = TTFont(path)
name = f["name"]
name.names = [n for n in name.names if n.nameID not in (1, 3, 4, 6, 16, 17)]
for nid, s in [(1, fam), (2, "Regular"), (3, ps + ";subset"), (4, fam + " Regular"), (6, ps)]:
    name.setName(s, nid, 3, 1, 0x409)
name.setName("领航楷体", 1, 3, 1, 0x804)
f.save(path)
PY
}
! wants NotoSerifSC-Bold || cut serif/package/700Bold/NotoSerifSC_700Bold.ttf NotoSerifSC-Bold.ttf role.txt
! wants NotoSansSC || cut sans/package/400Regular/NotoSansSC_400Regular.ttf NotoSansSC-Regular.ttf role.txt
! wants LinghangKai || cut wenkai/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf LinghangKai-Regular.ttf role.txt "Linghang Kai"
! wants NotoSerifSC-Regular || cut serif/package/400Regular/NotoSerifSC_400Regular.ttf NotoSerifSC-Regular.ttf fallback.txt
# 正文 仿宋: Zhuque Fangsong, same cut as the other role fonts; what it lacks
# (about 300 GB 2312 symbols, rare hanzi) comes from the fallback.
! wants ZhuqueFangsong || cut "$zhuque" ZhuqueFangsong-Regular.ttf role.txt
ls -l "$here"/*.ttf
