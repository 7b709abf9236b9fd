// Reports an element's width to .NET as it changes (ResizeObserver, settled for 150 ms, steps under 8 px ignored):
// the run page lays its small multiples out for the screen it is on.
export function observeWidth(element, dotnet) {
  let last = 0;
  let timer;
  const report = () => {
    const width = Math.round(element.clientWidth);
    if (width > 0 && Math.abs(width - last) >= 8) {
      last = width;
      dotnet.invokeMethodAsync('WidthChanged', width);
    }
  };
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(report, 150);
  });
  observer.observe(element);
  report();
  return { dispose: () => { clearTimeout(timer); observer.disconnect(); } };
}
