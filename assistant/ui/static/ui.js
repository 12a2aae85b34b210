// Installed once per page: [n] links scroll to their citation card; copy buttons copy the answer's report text.
if (!window.__policyQaInstalled) {
  window.__policyQaInstalled = true;
  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  };
  document.addEventListener("click", (event) => {
    const ref = event.target.closest && event.target.closest("a.pq-ref");
    if (ref) {
      event.preventDefault();
      event.stopPropagation();
      const card = document.getElementById(ref.dataset.card || ref.getAttribute("href").slice(1));
      if (card) {
        card.scrollIntoView({ behavior: "smooth", block: "center" });
        card.classList.remove("pq-flash");
        void card.offsetWidth;
        card.classList.add("pq-flash");
      }
      return;
    }
    const button = event.target.closest && event.target.closest("button.pq-copy");
    if (button) {
      event.preventDefault();
      event.stopPropagation();
      const answer = button.closest(".pq-answer");
      const report = answer && answer.querySelector(".pq-report");
      if (!report) return;
      copyText(report.textContent).then(
        () => { button.textContent = "已复制"; button.classList.add("pq-done"); },
        () => { button.textContent = "复制失败，请手动选择文字复制"; }
      ).finally(() => setTimeout(() => {
        button.textContent = "复制答案及出处"; button.classList.remove("pq-done");
      }, 2000));
    }
  }, true);
}
