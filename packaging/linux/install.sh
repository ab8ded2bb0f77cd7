#!/bin/sh
# Install PeerRef for the current user only: nothing outside your home directory is touched.
#
#   ./install.sh               install (or update) from the unpacked archive this script is in
#   ./install.sh --uninstall   remove what install.sh installed (never your library)
#
# Options:
#   --bundle DIR   the PeerRef bundle folder (default: PeerRef/ next to this script,
#                  or dist/PeerRef in a source checkout)
#   --icons DIR    the hicolor icon folder (default: icons/hicolor next to this script,
#                  or build/icons/hicolor in a source checkout)
#   --allow-root   install into root's own home anyway (refused by default: running this
#                  with sudo would put the files in the wrong home with the wrong owner)
#
# Installs under ${XDG_DATA_HOME:-~/.local/share} and ~/.local/bin:
#   ~/.local/lib/peerref/                          the bundle
#   ~/.local/bin/peerref                           a link to the bundle's executable
#   applications/org.peerref.PeerRef.desktop       menu entry and file associations
#   metainfo/org.peerref.PeerRef.metainfo.xml      software-centre description
#   mime/packages/peerref-mime.xml                 .ris and .nbib file types
#   icons/hicolor/*/apps/org.peerref.PeerRef.*     the icon in every size
# then refreshes the user's desktop and MIME databases.
set -eu

APP_ID=org.peerref.PeerRef
here=$(cd "$(dirname "$0")" && pwd)
bundle=""
icons=""
allow_root=no
action=install

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) bundle=$2; shift 2 ;;
        --icons) icons=$2; shift 2 ;;
        --allow-root) allow_root=yes; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" = 0 ] && [ "$allow_root" != yes ]; then
    echo "install.sh: refusing to run as root. PeerRef installs for one user, into that" >&2
    echo "user's home directory; run it as yourself, without sudo (or pass --allow-root)." >&2
    exit 1
fi
if [ -z "${HOME:-}" ] || [ ! -d "$HOME" ]; then
    echo "install.sh: HOME is not set to an existing directory" >&2
    exit 1
fi

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
lib_dir=$HOME/.local/lib/peerref
bin_link=$HOME/.local/bin/peerref
desktop_file=$data_home/applications/$APP_ID.desktop
metainfo_file=$data_home/metainfo/$APP_ID.metainfo.xml
mime_file=$data_home/mime/packages/peerref-mime.xml
icon_root=$data_home/icons/hicolor

refresh_databases() {
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$data_home/mime" || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database "$data_home/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icon_root/index.theme" ]; then
        gtk-update-icon-cache --quiet "$icon_root" || true
    fi
}

if [ "$action" = uninstall ]; then
    rm -rf "$lib_dir"
    if [ -L "$bin_link" ]; then rm -f "$bin_link"; fi
    rm -f "$desktop_file" "$metainfo_file" "$mime_file"
    rm -f "$icon_root"/*/apps/"$APP_ID".png "$icon_root"/scalable/apps/"$APP_ID".svg
    refresh_databases
    echo "PeerRef removed. Your library and settings were left where they are."
    exit 0
fi

# Defaults: the unpacked archive's layout, else a source checkout's build outputs.
if [ -z "$bundle" ]; then
    if [ -d "$here/PeerRef" ]; then bundle=$here/PeerRef; else bundle=$here/../../dist/PeerRef; fi
fi
if [ -z "$icons" ]; then
    if [ -d "$here/icons/hicolor" ]; then icons=$here/icons/hicolor
    else icons=$here/../../build/icons/hicolor; fi
fi
if [ ! -x "$bundle/PeerRef" ]; then
    echo "install.sh: no PeerRef bundle at $bundle (build it with: uv run python packaging/build.py)" >&2
    exit 1
fi
if [ ! -d "$icons" ]; then
    echo "install.sh: no icons at $icons (make them with: uv run python packaging/make_icons.py)" >&2
    exit 1
fi

# The bundle: copy to a new folder, then swap, so a failed copy leaves the old one working.
mkdir -p "$(dirname "$lib_dir")" "$(dirname "$bin_link")"
rm -rf "$lib_dir.new"
cp -R "$bundle" "$lib_dir.new"
rm -rf "$lib_dir"
mv "$lib_dir.new" "$lib_dir"
ln -sfn "$lib_dir/PeerRef" "$bin_link"

# The desktop file runs the installed bundle by absolute path: ~/.local/bin is not on
# every desktop session's PATH.
mkdir -p "$(dirname "$desktop_file")" "$(dirname "$metainfo_file")" "$(dirname "$mime_file")"
sed "s|^Exec=.*|Exec=\"$lib_dir/PeerRef\" %F|" "$here/$APP_ID.desktop" > "$desktop_file"
cp "$here/$APP_ID.metainfo.xml" "$metainfo_file"
cp "$here/peerref-mime.xml" "$mime_file"

for size_dir in "$icons"/*/; do
    size=$(basename "$size_dir")
    for icon in "$size_dir"apps/"$APP_ID".*; do
        [ -f "$icon" ] || continue
        mkdir -p "$icon_root/$size/apps"
        cp "$icon" "$icon_root/$size/apps/"
    done
done

refresh_databases
echo "PeerRef installed for $(id -un): run it from the applications menu or as $bin_link"
