// Evaluated in a printed page after MathJax finished (Playwright's page.evaluate).
// Returns {problems: [...], headings: [...]}: math that did not render, and the page's
// headings (h1..h6, document order) so the PDF outline can be filtered to h1/h2.
() => {
  const RAW_TEX = /\$\$|\$\s*\\[A-Za-z]|\\[()[\]]|\\begin\{|\\[A-Za-z]{2,}/;
  const HIDE = "script, style, code, pre, .MathJax, .MathJax_Display, .MathJax_Preview, "
    + ".MathJax_CHTML, .MathJax_SVG, .MJX_Assistive_MathML, .MathJax_Error";
  const cellOf = (node) => {
    const cell = node && node.closest ? node.closest(".jp-Cell") : null;
    return cell ? cell.id.replace(/^cell-id=/, "") : "";
  };
  const problems = [];
  for (const scope of document.querySelectorAll(".jp-RenderedMarkdown, .jp-RenderedLatex")) {
    const copy = scope.cloneNode(true);
    copy.querySelectorAll(HIDE).forEach((node) => node.remove());
    const text = copy.textContent.replace(/\s+/g, " ");
    const hit = RAW_TEX.exec(text);
    if (hit) {
      const start = Math.max(0, hit.index - 25);
      problems.push({cell: cellOf(scope), kind: "raw",
                     snippet: text.slice(start, hit.index + 35).trim(), message: ""});
    }
  }
  if (window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax) {
    for (const jax of MathJax.Hub.getAllJax()) {
      let mml = "";
      try { mml = jax.root ? jax.root.toMathML("") : ""; } catch (err) { mml = ""; }
      const error = /<merror[^>]*>([\s\S]*?)<\/merror>/.exec(mml);
      if (error) {
        problems.push({cell: cellOf(document.getElementById(jax.inputID)), kind: "error",
                       snippet: jax.originalText,
                       message: error[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()});
      }
    }
  }
  for (const node of document.querySelectorAll(".MathJax_Error")) {
    problems.push({cell: cellOf(node), kind: "error", snippet: node.textContent,
                   message: "MathJax could not process this math"});
  }
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .map((h) => ({level: Number(h.tagName.slice(1)), text: h.innerText.trim()}));
  return {problems, headings};
}
