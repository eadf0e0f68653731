// Hot-spot charts (/hotspots/ and /hotspots/<id>/) drawn with Apache ECharts 6.1.0 (Apache-2.0),
// shipped as echarts.min.js beside this file: copied unchanged from the npm package
// echarts@6.1.0 (`npm pack echarts@6.1.0`, dist/echarts.min.js). No inline script (strict CSP):
// the data come from a <script type="application/json"> block written by json_script.
(function () {
  "use strict";
  var ACCENT = "#0b4f9c", LIGHT = "#9fbde3", MUTED = "#4a4a4a", LINE = "#c9c9c9";
  var FONT = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

  function data(el) {
    var src = document.getElementById(el.getAttribute("data-source"));
    return src ? JSON.parse(src.textContent) : null;
  }

  function bars(el, d) {
    // Top hot spots by count, hottest first at the top: dark = last two weeks, light = earlier.
    var n = d.names.length;
    el.style.height = Math.max(220, 34 * n + 60) + "px";
    var chart = echarts.init(el, null, {renderer: "canvas"});
    var names = d.names.slice().reverse(), recent = d.recent.slice().reverse();
    var earlier = d.counts.slice().reverse().map(function (c, i) { return c - recent[i]; });
    chart.setOption({
      textStyle: {fontFamily: FONT},
      animation: false,
      grid: {left: 8, right: 48, top: 28, bottom: 8, containLabel: true},
      legend: {top: 0, right: 8, data: [d.series[0], d.series[1]], textStyle: {color: MUTED}},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, renderMode: "richText"},
      xAxis: {type: "value", minInterval: 1, splitLine: {lineStyle: {color: LINE, type: "dashed"}},
              axisLabel: {color: MUTED}},
      yAxis: {type: "category", data: names, axisTick: {show: false},
              axisLabel: {color: "#111", fontSize: 13, width: Math.min(220, Math.round(el.clientWidth * 0.38)),
                          overflow: "truncate"}},
      series: [
        {name: d.series[0], type: "bar", stack: "n", data: recent, itemStyle: {color: ACCENT}, barMaxWidth: 22},
        {name: d.series[1], type: "bar", stack: "n", data: earlier, itemStyle: {color: LIGHT}, barMaxWidth: 22,
         label: {show: true, position: "right", color: "#111", fontWeight: "bold",
                 formatter: function (p) { return d.counts[n - 1 - p.dataIndex] + "件"; }}}
      ]
    });
    chart.on("click", function (p) {
      var url = d.urls[n - 1 - p.dataIndex];
      if (url) { window.location.href = url; }
    });
    return chart;
  }

  function trend(el, d) {
    // One hot spot's cases per day over the chosen period.
    el.style.height = "260px";
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption({
      textStyle: {fontFamily: FONT},
      animation: false,
      grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", renderMode: "richText"},
      xAxis: {type: "category", data: d.days, axisLabel: {color: MUTED}, axisTick: {alignWithLabel: true}},
      yAxis: {type: "value", minInterval: 1, axisLabel: {color: MUTED}, splitLine: {lineStyle: {color: LINE, type: "dashed"}}},
      series: [{name: d.series, type: "bar", data: d.counts, itemStyle: {color: ACCENT}, barMaxWidth: 18}]
    });
    return chart;
  }

  function start() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) {
      var d = data(els[i]);
      if (!d) { continue; }
      var kind = els[i].getAttribute("data-chart");
      charts.push(kind === "bars" ? bars(els[i], d) : trend(els[i], d));
      els[i].setAttribute("data-drawn", "1");
    }
    window.addEventListener("resize", function () {
      for (var j = 0; j < charts.length; j++) { charts[j].resize(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
