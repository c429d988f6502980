import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DailySeries } from "./dailySeries";
import { ChartFrame } from "./ChartFrame";
import { formatUsd } from "./format";
import { seriesColor } from "./palette";

const SIZE = { width: 640, height: 240 };

/** Cost per day over the last 30 days, stacked by model (§9.4). */
export function DailyCostChart({ series }: { series: DailySeries }) {
  const spent = series.rows.filter((row) => series.models.some((model) => typeof row[model] === "number"));
  return (
    <ChartFrame
      title="Cost per day (last 30 days), by model"
      testId="usage-daily-chart"
      empty={spent.length === 0}
      chart={
        <ResponsiveContainer width="100%" height={SIZE.height} initialDimension={SIZE}>
          <BarChart data={series.rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={11} />
            <YAxis tickFormatter={(value: number) => formatUsd(value)} fontSize={11} width={64} />
            <Tooltip formatter={(value) => formatUsd(Number(value))} />
            {series.models.map((model, index) => (
              <Bar key={model} dataKey={model} stackId="cost" fill={seriesColor(index)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <table data-testid="usage-daily-table">
          <caption>Cost per day by model</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Model</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {spent.flatMap((row) =>
              series.models
                .filter((model) => typeof row[model] === "number")
                .map((model) => (
                  <tr key={`${row.day}-${model}`}>
                    <td>{row.day}</td>
                    <td>{model}</td>
                    <td>{formatUsd(row[model] as number)}</td>
                  </tr>
                )),
            )}
          </tbody>
        </table>
      }
    />
  );
}
