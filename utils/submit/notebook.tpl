{#- nbconvert template for printing a notebook: the stock "lab" page, offline. -#}
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{#- Widgets need their JavaScript from a CDN; offline they cannot render anyway. -#}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{#- Code cells: pygments escapes the source, so its markup needs no cleaning by bleach.
    The course's set-up cell (tag nndl-setup, first in every notebook) prints as one line. -#}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{%- if "nndl-setup" in cell.metadata.get("tags", []) %}
<pre># The course's set-up cell (its code is not printed)</pre>
{%- else %}
{{ cell.source | highlight_code(metadata=cell.metadata) }}
{%- endif %}
     </div>
</div>
{%- endblock input %}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  TeX: {
    equationNumbers: {autoNumber: "AMS", useLabelIds: true},
    noErrors: {disabled: true},
    noUndefined: {disabled: true}
  },
  "HTML-CSS": {
    availableFonts: ["STIX-Web"], preferredFont: "STIX-Web", webFont: "STIX-Web",
    imageFont: null, linebreaks: {automatic: true}
  },
  "fast-preview": {disabled: true},
  AssistiveMML: {disabled: true},
  menuSettings: {assistiveMML: false, zoom: "None"},
  displayAlign: "center",
  messageStyle: "none",
  showMathMenu: false
});
MathJax.Hub.Register.StartupHook("End", function () {
  MathJax.Hub.Queue(function () { window.nndlMathDone = true; });
});
</script>
<script src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
{{ resources.nndl_print_css }}
</style>
{%- endblock html_head_css -%}
