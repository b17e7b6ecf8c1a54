import { formatIssue, gradedUnits, toHundredths, fromHundredths } from '../domain/index';
import { loadShippedRubrics } from './shipped-rubrics';

const { rubrics, problems } = loadShippedRubrics();

/** The shipped rubrics with their totals; the audit app builds on this in the next step. */
export function RubricList() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 960, margin: '0 auto', padding: 24 }}>
      <h1>督查 · 考核标准</h1>
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <thead>
          <tr>
            <th scope="col">表单</th>
            <th scope="col">标准</th>
            <th scope="col">项目数</th>
            <th scope="col">评分单元</th>
            <th scope="col">标准分值合计</th>
          </tr>
        </thead>
        <tbody>
          {rubrics.map((r) => (
            <tr key={r.id} data-rubric={r.id}>
              <td>{r.form}</td>
              <td>{r.title}</td>
              <td>{r.items.length}</td>
              <td>{gradedUnits(r).length}</td>
              <td data-testid="total">{fromHundredths(r.items.reduce((acc, i) => acc + toHundredths(i.points), 0))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.map((p) => (
        <section key={p.file} role="alert">
          <h2>{p.file} 无效</h2>
          <ul>
            {p.issues.map((issue) => (
              <li key={formatIssue(issue)}>{formatIssue(issue)}</li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
