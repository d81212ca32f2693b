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
      bindLinks(chart, element);
      element.dataset.chartReady = "1";
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  // With data-chart-links="ID", clicking the n-th category opens the n-th URL in <script id="ID">.
  function bindLinks(chart, element) {
    var source = element.dataset.chartLinks && document.getElementById(element.dataset.chartLinks);
    if (!source) {
      return;
    }
    var links = JSON.parse(source.textContent);
    element.style.cursor = "pointer";
    chart.on("click", function (params) {
      if (links[params.dataIndex]) {
        window.location.assign(links[params.dataIndex]);
      }
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
