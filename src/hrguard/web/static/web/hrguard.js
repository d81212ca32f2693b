/* Page behaviour of the hrguard UI: ECharts charts and auto-submitting selects. */
(function () {
  "use strict";

  // A chart is a <div data-chart="ID"> whose option is the JSON in <script id="ID">.
  function initCharts(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source || element.dataset.chartReady) {
        return;
      }
      var chart = window.echarts.init(element);
      chart.on("finished", function () {
        element.dataset.chartRendered = "1";
      });
      chart.setOption(JSON.parse(source.textContent));
      element.dataset.chartReady = "1";
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  function bindAutosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    bindAutosubmit(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    initCharts(event.target);
  });
})();
