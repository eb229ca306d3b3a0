// 集采助手 task pane: shows the findings of the last button run and keeps the login token.
// Macros hand their findings over with book.app.macro("jicaiShowFindings")(json): xlwings
// calls the registered callback as callbacks[name](context, ...args).
const JICAI_LEVEL = { error: "错误", warning: "警告", info: "提示" };

function jicaiRender(data) {
  document.getElementById("jicai-findings-title").textContent = "上次运行：" + (data.title || "");
  document.getElementById("jicai-findings-summary").textContent = data.summary || "";
  const table = document.getElementById("jicai-findings-table");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const f of data.findings || []) {
    const tr = document.createElement("tr");
    tr.className = f.severity === "error" ? "table-danger" : f.severity === "warning" ? "table-warning" : "";
    const level = document.createElement("td");
    level.textContent = JICAI_LEVEL[f.severity] || f.severity;
    const where = document.createElement("td");
    const link = document.createElement("a");
    link.href = "#";
    link.textContent = f.sheet + "!" + f.cell;
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      jicaiGoTo(f.sheet, f.cell);
    });
    where.appendChild(link);
    const msg = document.createElement("td");
    msg.textContent = f.message;
    tr.append(level, where, msg);
    body.appendChild(tr);
  }
  if ((data.total || 0) > (data.findings || []).length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.textContent = "……其余 " + (data.total - data.findings.length) + " 处见“校验报告”工作表。";
    tr.appendChild(td);
    body.appendChild(tr);
  }
  table.classList.toggle("d-none", (data.findings || []).length === 0);
}

async function jicaiGoTo(sheet, cell) {
  await Excel.run(async (context) => {
    const ws = context.workbook.worksheets.getItem(sheet);
    ws.activate();
    ws.getRange(cell).select();
    await context.sync();
  });
}

async function jicaiShowFindings(context, json) {
  const data = JSON.parse(json);
  try {
    localStorage.setItem("jicai-last-run", json);
  } catch (e) {}
  jicaiRender(data);
}

function jicaiSetup() {
  if (globalThis.xlwings && xlwings.registerCallback) {
    xlwings.registerCallback(jicaiShowFindings);
  } else {
    globalThis.callbacks = globalThis.callbacks || {};
    globalThis.callbacks.jicaiShowFindings = jicaiShowFindings;
  }
  try {
    const last = localStorage.getItem("jicai-last-run");
    if (last) jicaiRender(JSON.parse(last));
    document.getElementById("jicai-token").value = localStorage.getItem("jicai-token") || "";
  } catch (e) {}
  document.getElementById("jicai-token-save").addEventListener("click", () => {
    localStorage.setItem("jicai-token", document.getElementById("jicai-token").value.trim());
    document.getElementById("jicai-token-status").textContent = "已保存。";
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", jicaiSetup);
} else {
  jicaiSetup();
}
