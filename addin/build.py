"""Regenerate the add-in files that list the ribbon buttons, from `macros.registry`:

    python addin/build.py

writes templates/manifest.xml (Office.js ribbon tab 集采助手), static/js/ribbon.js (each
button bound to its script), static/images/icons/*.png, desktop/customUI.xml and
desktop/JicaiDispatcher.bas (classic add-in). Tests fail when these files and the registry
disagree, so edit the registry and rerun this script; never edit the outputs by hand.
"""
from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from macros.registry import BUTTONS, GROUPS  # noqa: E402

GROUP_IDS = {"结余留用": "JicaiRetention", "三统一月报": "JicaiMonthly", "通用": "JicaiCommon"}
ICON_SIZES = (16, 32, 80)


def _q(text: str) -> str:
    return escape(text, {'"': "&quot;"})


# ------------------------------------------------------------------ icons

def png(size: int, rgb: str, glyph: int) -> bytes:
    """A rounded square in the button's colour with a white mark; pure Python (no Pillow)."""
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    radius = max(2, size // 6)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            cx = min(x, size - 1 - x)
            cy = min(y, size - 1 - y)
            inside = not (cx < radius and cy < radius and (radius - cx) ** 2 + (radius - cy) ** 2 > radius ** 2)
            if not inside:
                row += bytes((0, 0, 0, 0))
            elif _mark(x, y, size, glyph):
                row += bytes((255, 255, 255, 255))
            else:
                row += bytes((r, g, b, 255))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _mark(x: int, y: int, size: int, glyph: int) -> bool:
    """White strokes: a sheet with `glyph` lines (1..4), or a tick for glyph 0."""
    m = size / 16
    if glyph == 0:
        return abs((y - 9 * m) - (x - 3 * m)) < 1.2 * m and 3 * m <= x <= 6.5 * m or \
            abs((y - 12.5 * m) + (x - 6.5 * m)) < 1.2 * m and 6.5 * m <= x <= 13 * m
    top = 3.5 * m
    step = 9 * m / (glyph + 1)
    for k in range(1, glyph + 1):
        if abs(y - (top + k * step)) < 0.8 * m and 3.5 * m <= x <= 12.5 * m:
            return True
    return False


def write_icons() -> list[Path]:
    out = HERE / "static" / "images" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, button in enumerate(BUTTONS):
        for size in ICON_SIZES:
            path = out / f"{button.name}-{size}.png"
            path.write_bytes(png(size, button.color, i % 5))
            written.append(path)
    for size in (16, 32, 64, 80):
        path = out / f"jicai-{size}.png"
        path.write_bytes(png(size, "C00000", 3))
        written.append(path)
    return written


# ------------------------------------------------------------------ Office.js manifest

def manifest() -> str:
    groups, images, short, long_ = [], [], [], []
    for group in GROUPS:
        gid = GROUP_IDS[group]
        controls = []
        for b in (b for b in BUTTONS if b.group == group):
            res = _res(b.name)
            controls.append(f"""
                <Control xsi:type="Button" id="{res}">
                  <Label resid="{res}.Label" />
                  <Supertip>
                    <Title resid="{res}.Label" />
                    <Description resid="{res}.Tip" />
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="{res}.16" />
                    <bt:Image size="32" resid="{res}.32" />
                    <bt:Image size="80" resid="{res}.80" />
                  </Icon>
                  <Action xsi:type="ExecuteFunction">
                    <FunctionName>{b.name}</FunctionName>
                  </Action>
                </Control>""")
            for size in ICON_SIZES:
                images.append(f'        <bt:Image id="{res}.{size}" DefaultValue="{{{{ base_url }}}}{{{{ settings.static_url_path }}}}/images/icons/{b.name}-{size}.png" />')
            short.append(f'        <bt:String id="{res}.Label" DefaultValue="{_q(b.label)}" />')
            long_.append(f'        <bt:String id="{res}.Tip" DefaultValue="{_q(b.tip)}" />')
        if group == "通用":
            controls.append("""
                <Control xsi:type="Button" id="JicaiTaskpane">
                  <Label resid="JicaiTaskpane.Label" />
                  <Supertip>
                    <Title resid="JicaiTaskpane.Label" />
                    <Description resid="JicaiTaskpane.Tip" />
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="Jicai.16" />
                    <bt:Image size="32" resid="Jicai.32" />
                    <bt:Image size="80" resid="Jicai.80" />
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>JicaiPane</TaskpaneId>
                    <SourceLocation resid="Taskpane.Url" />
                  </Action>
                </Control>""")
        groups.append(f"""
              <Group id="{gid}">
                <Label resid="{gid}.Label" />
                <Icon>
                  <bt:Image size="16" resid="Jicai.16" />
                  <bt:Image size="32" resid="Jicai.32" />
                  <bt:Image size="80" resid="Jicai.80" />
                </Icon>{''.join(controls)}
              </Group>""")
        short.append(f'        <bt:String id="{gid}.Label" DefaultValue="{_q(group)}" />')
    short.append('        <bt:String id="JicaiTaskpane.Label" DefaultValue="校验结果窗格" />')
    long_.append('        <bt:String id="JicaiTaskpane.Tip" DefaultValue="打开任务窗格：查看上次运行发现的问题、设置登录令牌。" />')
    for size in ICON_SIZES:
        images.append(f'        <bt:Image id="Jicai.{size}" DefaultValue="{{{{ base_url }}}}{{{{ settings.static_url_path }}}}/images/icons/jicai-{size}.png" />')
    return MANIFEST.format(groups="".join(groups), images="\n".join(images), short="\n".join(short),
                           long="\n".join(long_))


def _res(name: str) -> str:
    """Resource ids are limited to 32 characters."""
    return "B." + name


MANIFEST = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- GENERATED by addin/build.py from macros/registry.py: do not edit by hand. -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>{{{{ manifest_id }}}}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>集采助手</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="{{{{ settings.project_name }}}}{{{{ ' [' + settings.environment + ']' if settings.environment != 'prod' }}}}" />
  <Description DefaultValue="集采结余留用考核与三统一月报：校验、导入、计算、排名、上报。" />
  <IconUrl DefaultValue="{{{{ base_url }}}}{{{{ settings.static_url_path }}}}/images/icons/jicai-32.png" />
  <HighResolutionIconUrl DefaultValue="{{{{ base_url }}}}{{{{ settings.static_url_path }}}}/images/icons/jicai-64.png" />
  <SupportUrl DefaultValue="{{{{ base_url_with_app_path }}}}/taskpane.html" />
  <AppDomains>
    <AppDomain>{{{{ base_url_with_app_path }}}}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook" />
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1" />
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="{{{{ base_url_with_app_path }}}}/taskpane.html" />
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes>
          <Runtime resid="Taskpane.Url" lifetime="long" />
        </Runtimes>
        <AllFormFactors>
          <ExtensionPoint xsi:type="CustomFunctions">
            <Script>
              <SourceLocation resid="Functions.Script.Url" />
            </Script>
            <Page>
              <SourceLocation resid="Taskpane.Url" />
            </Page>
            <Metadata>
              <SourceLocation resid="Functions.Metadata.Url" />
            </Metadata>
            <Namespace resid="Functions.Namespace" />
          </ExtensionPoint>
        </AllFormFactors>
        <DesktopFormFactor>
          <FunctionFile resid="Taskpane.Url" />
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="JicaiTab">{groups}
              <Label resid="JicaiTab.Label" />
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
{images}
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Taskpane.Url" DefaultValue="{{{{ base_url_with_app_path }}}}/taskpane.html" />
        <bt:Url id="Functions.Script.Url" DefaultValue="{{{{ base_url_with_app_path }}}}/xlwings/custom-functions-code.js" />
        <bt:Url id="Functions.Metadata.Url" DefaultValue="{{{{ base_url_with_app_path }}}}/xlwings/custom-functions-meta.json" />
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Functions.Namespace" DefaultValue="{{{{ settings.functions_namespace|upper }}}}{{{{ '_' + settings.environment|upper if settings.environment != 'prod' }}}}" />
        <bt:String id="JicaiTab.Label" DefaultValue="集采助手{{{{ ' [' + settings.environment + ']' if settings.environment != 'prod' }}}}" />
{short}
      </bt:ShortStrings>
      <bt:LongStrings>
{long}
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


# ------------------------------------------------------------------ ribbon.js

def ribbon_js() -> str:
    names = ",\n  ".join(f'"{b.name}"' for b in BUTTONS)
    return f"""// GENERATED by addin/build.py from macros/registry.py: do not edit by hand.
// Each ribbon button (manifest <FunctionName>) runs the xlwings Server script of the same name.
const JICAI_BUTTONS = [
  {names},
];

async function jicaiRunButton(scriptName, event) {{
  try {{
    const auth =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : {{ token: "", provider: "" }};
    await xlwings.runPython({{
      auth: auth.token,
      scriptName: scriptName,
      headers: {{ "Auth-Provider": auth.provider }},
    }});
  }} finally {{
    event.completed();
  }}
}}

Office.onReady(() => {{
  for (const name of JICAI_BUTTONS) {{
    Office.actions.associate(name, (event) => jicaiRunButton(name, event));
  }}
}});
"""


# ------------------------------------------------------------------ classic desktop add-in

def ribbon_xml() -> str:
    groups = []
    for group in GROUPS:
        items = []
        for b in (b for b in BUTTONS if b.group == group):
            items.append(f'          <button id="{b.name}" label="{_q(b.label)}" screentip="{_q(b.label)}" '
                         f'supertip="{_q(b.tip)}" size="large" image="{b.name}" onAction="JicaiDispatch" />')
        groups.append(f'        <group id="{GROUP_IDS[group]}" label="{_q(group)}">\n' + "\n".join(items) + "\n        </group>")
    return ("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- GENERATED by addin/build.py from macros/registry.py: do not edit by hand. -->
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="JicaiTab" label="集采助手">
""" + "\n".join(groups) + """
      </tab>
    </tabs>
  </ribbon>
</customUI>
""")


def dispatcher_bas() -> str:
    """ASCII only: the VBA editor reads modules in the PC's ANSI code page."""
    cases = "\n".join(f'        Case "{b.name}"' for b in BUTTONS)
    return f"""Attribute VB_Name = "JicaiDispatcher"
' GENERATED by addin/build.py from macros/registry.py: do not edit by hand.
' Every button of the ribbon tab calls JicaiDispatch; the control id is the script name,
' run by Python through the installed xlwings add-in (xlwings.xlam) and its RunPython.
Option Explicit

Public Sub JicaiDispatch(control As IRibbonControl)
    Select Case control.Id
{cases}
            Application.Run "xlwings.xlam!RunPython", _
                "import macros.desktop as d; d.dispatch('" & control.Id & "')"
        Case Else
            MsgBox "Unknown button: " & control.Id, vbExclamation, "jicai"
    End Select
End Sub
"""


def write_all() -> list[Path]:
    out = []
    targets = {
        HERE / "templates" / "manifest.xml": manifest(),
        HERE / "static" / "js" / "ribbon.js": ribbon_js(),
        HERE / "desktop" / "customUI.xml": ribbon_xml(),
        HERE / "desktop" / "JicaiDispatcher.bas": dispatcher_bas(),
    }
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        newline = "\r\n" if path.suffix == ".bas" else "\n"  # VBA modules use CRLF
        path.write_bytes(text.replace("\n", newline).encode("utf-8"))
        out.append(path)
    return out + write_icons()


if __name__ == "__main__":
    for p in write_all():
        print(p.relative_to(HERE.parent))
