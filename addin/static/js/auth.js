// The token the clerk saved in the task pane, sent with every request (custom auth provider).
globalThis.getAuth = async function () {
  let token = "";
  try {
    token = localStorage.getItem("jicai-token") || "";
  } catch (e) {
    token = "";
  }
  return { token: token, provider: "custom" };
};
