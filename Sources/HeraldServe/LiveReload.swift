/// The script `herald serve` adds to every page it serves (and never to public/).
package enum LiveReload {
    package static let script = """
        <script>/* herald serve: live reload */(function(){var v=null;function show(e){var o=document.getElementById("herald-errors");if(o)o.remove();if(!e||!e.length)return;var d=document.createElement("pre");d.id="herald-errors";d.setAttribute("role","alert");d.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#8b0000;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";d.textContent="herald build failed \\u2014 showing the last good build:\\n\\n"+e.join("\\n");document.body.appendChild(d)}function poll(){fetch("/__herald/status",{cache:"no-store"}).then(function(r){return r.json()}).then(function(s){if(v===null){v=s.version;show(s.errors)}else if(s.version!==v){location.reload()}}).catch(function(){}).then(function(){setTimeout(poll,500)})}poll()})();</script>
        """
}
