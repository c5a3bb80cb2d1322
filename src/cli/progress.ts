/** A progress bar on a terminal stream, shown for plans of more than 10,000 deliveries. */
export function progressBar(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  return (done, total) => {
    if (total <= 10_000) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const percent = Math.floor((done / total) * 100);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    if (done >= total) stream.write('\n');
  };
}
