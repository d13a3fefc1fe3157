// The interactive picture on /graph: the node-link JSON from the server drawn with cytoscape.js at the
// positions the server computed (deterministic, fast for hundreds of departments). Zoom and pan are
// cytoscape's own; pointing at a department shows its figures, clicking lists its ties and shared
// needs in the aria-live panel beside the picture. Without JavaScript the page shows the SVG picture
// and the tables hold everything.
(function () {
  "use strict";
  // htmx runs the page's scripts again on every boosted visit to /graph: the listeners are set once.
  if (window.registryGraph) {
    window.registryGraph.start();
    return;
  }

  var LABELLED = 40; // above this many departments, names show on pointing and for the chosen one

  function text(name, values) {
    var template = document.getElementById("graph-texts");
    var value = (template && template.dataset[name]) || name;
    Object.keys(values || {}).forEach(function (key) {
      value = value.replace("{" + key + "}", values[key]);
    });
    return value;
  }

  function element(tag, content, attributes) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) node.textContent = content;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  var NEEDS_LISTED = 12;

  function listNeeds(ids, needs) {
    var span = element("span");
    ids.slice(0, NEEDS_LISTED).forEach(function (id, index) {
      if (index) span.appendChild(document.createTextNode("; "));
      span.appendChild(element("a", "#" + id, { href: "/needs/" + id }));
      var need = needs[String(id)];
      if (need) span.appendChild(document.createTextNode(" " + need.title));
    });
    if (ids.length > NEEDS_LISTED) span.appendChild(document.createTextNode(" " + text("more", { count: ids.length - NEEDS_LISTED })));
    return span;
  }

  function showTies(panel, node, data) {
    var needs = (data.graph && data.graph.needs) || {};
    var areas = (data.graph && data.graph.areas) || {};
    panel.replaceChildren();
    var heading = element("h3", text("ties", { name: node.data("label") }));
    panel.appendChild(heading);
    if (node.data("slug") && node.data("kind") === "department") {
      panel.appendChild(element("p")).appendChild(
        element("a", text("page"), { href: "/departments/" + node.data("slug") })
      );
    }
    var edges = node.connectedEdges().sort(function (a, b) { return b.data("weight") - a.data("weight"); });
    if (!edges.length) {
      panel.appendChild(element("p", text("none")));
      return;
    }
    var list = element("ul");
    edges.forEach(function (edge) {
      var other = edge.source().id() === node.id() ? edge.target() : edge.source();
      var item = element("li");
      item.appendChild(element("strong", other.data("label")));
      item.appendChild(document.createTextNode(" – " + text("weight") + " " + edge.data("weight")));
      var parts = element("ul");
      var tieAreas = edge.data("areas") || [];
      if (tieAreas.length) {
        parts.appendChild(element("li", text("areas") + ": " + tieAreas.map(function (id) {
          return areas[String(id)] || id;
        }).join(", ")));
      }
      var tieNeeds = edge.data("needs") || [];
      if (tieNeeds.length) {
        var li = element("li", text("needs") + " (" + tieNeeds.length + "): ");
        li.appendChild(listNeeds(tieNeeds, needs));
        parts.appendChild(li);
      }
      var teams = edge.data("teams") || [];
      if (teams.length) parts.appendChild(element("li", text("teams") + ": " + teams.join(", ")));
      var dependencies = edge.data("dependencies") || [];
      if (dependencies.length) {
        parts.appendChild(element("li", text("dependencies") + ": " + dependencies.map(function (pair) {
          return "#" + pair[0] + " → #" + pair[1];
        }).join(", ")));
      }
      if (parts.childNodes.length) item.appendChild(parts);
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  function draw(container, data) {
    var departments = data.nodes.filter(function (n) { return n.kind === "department"; }).length;
    var many = departments > LABELLED;
    var top = data.links.reduce(function (max, l) { return Math.max(max, l.weight || 1); }, 1);
    var scale = many ? 900 : 420;
    var elements = data.nodes.map(function (n) {
      var label = n.label + (n.cluster ? " (" + n.cluster + ")" : "");
      return {
        group: "nodes",
        data: {
          id: n.id, label: n.label, display: label, slug: n.slug, kind: n.kind, colour: n.colour,
          shape: n.shape, degree: n.degree, cluster: n.cluster
        },
        position: { x: n.x * scale, y: -n.y * scale }
      };
    }).concat(data.links.map(function (l, index) {
      return {
        group: "edges",
        data: {
          id: "e" + index, source: l.source, target: l.target, weight: l.weight || 1, kind: l.kind,
          areas: l.areas || [], needs: l.needs || [], teams: l.teams || [], dependencies: l.dependencies || []
        }
      };
    }));
    container.replaceChildren();
    // cytoscape would add a <style> element (position: relative on its container), which the
    // Content-Security-Policy refuses; registry.css gives .graph-canvas that rule, and an element with
    // the id cytoscape looks for tells it the rule is in place.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      document.head.appendChild(element("meta", null, { id: "__________cytoscape_stylesheet" }));
    }
    if (current) current.destroy();
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.1,
      maxZoom: 4,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)", shape: "data(shape)", "border-width": 1, "border-color": "#222",
            label: many ? "" : "data(display)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
            "text-valign": "bottom", "text-margin-y": 4, width: many ? 14 : 28, height: many ? 14 : 28,
            "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1
          }
        },
        { selector: "node[kind != 'department']", style: { "background-color": "#fff", shape: "round-rectangle" } },
        {
          selector: "edge",
          style: {
            width: "mapData(weight, 1, " + Math.max(top, 2) + ", 1, 10)", "line-color": "#8a8f96",
            opacity: 0.7, "curve-style": "straight"
          }
        },
        { selector: "edge[kind != 'department']", style: { "line-style": "dashed", "line-color": "#c5c9ce" } },
        { selector: ".faded", style: { opacity: 0.12 } },
        { selector: "node.chosen, node.near, node.pointed", style: { label: "data(display)", "z-index": 10 } },
        { selector: "node.chosen", style: { "border-width": 4, "border-color": "#000" } },
        { selector: "edge.near", style: { "line-color": "#1b1f24", opacity: 1 } }
      ]
    });
    var panel = document.getElementById("graph-details");
    var hover = document.getElementById("graph-hover");
    var fit = document.getElementById("graph-fit");
    var tooltip = element("div", null, { class: "graph-tooltip", hidden: "" });
    container.appendChild(tooltip);

    cy.on("mouseover", "node", function (event) {
      var node = event.target;
      node.addClass("pointed");
      var words = node.data("label");
      if (node.data("kind") === "department") {
        words += " – " + node.degree() + " " + text("degree") + ", " + text("cluster") + " " + node.data("cluster");
      }
      hover.textContent = words;
      tooltip.textContent = words;
      var at = event.renderedPosition || node.renderedPosition();
      tooltip.style.left = Math.round(at.x + 12) + "px";
      tooltip.style.top = Math.round(at.y + 12) + "px";
      tooltip.hidden = false;
    });
    cy.on("mouseout", "node", function (event) {
      event.target.removeClass("pointed");
      tooltip.hidden = true;
    });
    cy.on("tap", "node", function (event) {
      var node = event.target;
      cy.elements().removeClass("chosen near").addClass("faded");
      node.closedNeighborhood().removeClass("faded").addClass("near");
      node.removeClass("near").addClass("chosen");
      showTies(panel, node, data);
      if (fit) fit.hidden = false;
    });
    cy.on("tap", function (event) {
      if (event.target === cy) cy.elements().removeClass("faded chosen near");
    });
    if (fit) {
      fit.addEventListener("click", function () {
        cy.elements().removeClass("faded chosen near");
        cy.fit(undefined, 30);
      });
    }
    // Labels stay readable (about 12 px on the screen) whatever the zoom that fits the graph.
    function readableLabels() {
      var size = Math.min(40, Math.max(11, 12 / cy.zoom()));
      cy.style().selector("node").style({ "font-size": size, "text-max-width": 10 * size }).update();
    }
    readableLabels();
    cy.on("zoom", readableLabels);
    current = cy;
    container.dataset.ready = "true";
  }

  var current = null;

  // A picture whose page was swapped away is taken down, so that its listeners do not run on.
  function cleanUp() {
    if (current && !document.body.contains(current.container())) {
      current.destroy();
      current = null;
    }
  }

  function start() {
    var container = document.getElementById("graph-canvas");
    cleanUp();
    if (!container || container.dataset.ready) return;
    if (!window.cytoscape) {
      var script = document.querySelector("script[src*='cytoscape']");
      if (script) script.addEventListener("load", start, { once: true });
      return;
    }
    container.dataset.ready = "loading"; // one drawing per picture, however many loads fire
    fetch(container.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function () {
        var panel = document.getElementById("graph-details");
        if (panel) panel.replaceChildren(element("p", text("failed"), { class: "error" }));
      });
  }

  window.registryGraph = { start: start };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:load", start);
  document.addEventListener("htmx:afterSwap", cleanUp);
})();
