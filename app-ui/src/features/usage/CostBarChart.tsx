import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./ChartFrame";
import { formatCount, formatUsd } from "./format";

export type CostBar = { label: string; cost: number; runs: number };

const SIZE = { width: 480, height: 220 };

/** Cost per bucket (step or model), in the order the backend sorted them (cost, descending). */
export function CostBarChart({ title, testId, bars, color }: { title: string; testId: string; bars: CostBar[]; color: string }) {
  return (
    <ChartFrame
      title={title}
      testId={testId}
      empty={bars.length === 0}
      chart={
        <ResponsiveContainer width="100%" height={SIZE.height} initialDimension={SIZE}>
          <BarChart data={bars} layout="vertical" margin={{ left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tickFormatter={(value: number) => formatUsd(value)} fontSize={11} />
            <YAxis type="category" dataKey="label" width={120} fontSize={11} />
            <Tooltip formatter={(value) => formatUsd(Number(value))} />
            <Bar dataKey="cost" fill={color} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <table data-testid={`${testId}-table`}>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Cost</th>
              <th scope="col">Runs</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.label}>
                <td>{bar.label}</td>
                <td>{formatUsd(bar.cost)}</td>
                <td>{formatCount(bar.runs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
