// The map of villages coloured by coverage, drawn with Leaflet from the branch's own GeoJSON (no tile server).
// <div id="map" data-geojson="<url>" data-values="<json_script id>">; values: {code: {value, display, name, url}}.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var values = JSON.parse(document.getElementById(element.dataset.values).textContent);
  var steps = [
    { min: 20, colour: "#006d2c" },
    { min: 10, colour: "#31a354" },
    { min: 5, colour: "#74c476" },
    { min: 1, colour: "#bae4b3" },
    { min: 0, colour: "#edf8e9" }
  ];

  function colour(entry) {
    if (!entry || entry.value === null) {
      return "#cccccc";
    }
    for (var i = 0; i < steps.length; i += 1) {
      if (entry.value >= steps[i].min) {
        return steps[i].colour;
      }
    }
    return steps[steps.length - 1].colour;
  }

  var map = L.map(element, { zoomSnap: 0.25, attributionControl: false });
  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (geojson) {
      var layer = L.geoJSON(geojson, {
        style: function (feature) {
          var entry = values[feature.properties.code];
          return { color: "#555", weight: 0.6, fillOpacity: entry ? 0.85 : 0.25, fillColor: colour(entry) };
        },
        onEachFeature: function (feature, featureLayer) {
          var entry = values[feature.properties.code];
          var label = feature.properties.name + ": " + (entry ? entry.display : "di luar cakupan");
          featureLayer.bindTooltip(label, { sticky: true });
          if (entry) {
            featureLayer.on("click", function () { window.location.href = entry.url; });
          }
        }
      }).addTo(map);
      var inScope = layer.getLayers().filter(function (item) { return values[item.feature.properties.code]; });
      map.fitBounds(inScope.length ? L.featureGroup(inScope).getBounds() : layer.getBounds());
    });

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "map-legend");
    steps.forEach(function (step) {
      var row = L.DomUtil.create("div", "", box);
      var swatch = L.DomUtil.create("span", "map-swatch", row);
      swatch.dataset.colour = step.colour;
      row.appendChild(document.createTextNode(" ≥ " + step.min + "%"));
    });
    return box;
  };
  legend.addTo(map);
  element.querySelectorAll(".map-swatch").forEach(function (swatch) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  });
})();
