// MathJax 2.7 for the math that pymdownx.arithmatex (generic mode) wraps in <span class="arithmatex">\( ... \)</span>
// and <div class="arithmatex">\[ ... \]</div>: only those elements are typeset. The files come from the
// jupyter-server-mathjax package (docs/pal_docs.py copies them into static/mathjax): the combined TeX + HTML-CSS
// configuration and its STIX-Web fonts, as the classic Jupyter notebook uses them; nothing is fetched from a CDN.
window.MathJax = {
  config: ["TeX-AMS-MML_HTMLorMML-full.js"],
  jax: ["input/TeX", "output/HTML-CSS"],
  tex2jax: {inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true,
            ignoreClass: ".*|", processClass: "arithmatex"},
  "HTML-CSS": {availableFonts: [], webFont: "STIX-Web", imageFont: null, linebreaks: {automatic: true}},
  messageStyle: "none",
  showMathMenu: false,
  menuSettings: {zoom: "None"}
};
