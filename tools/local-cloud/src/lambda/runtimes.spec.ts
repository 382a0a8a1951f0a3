import { runtimeSupport } from './runtimes';

describe('runtimeSupport', () => {
  it('runs the Node.js runtime of the running major silently', () => {
    expect(runtimeSupport('nodejs24.x', 'Zip', '24.3.0')).toEqual({ served: true });
  });

  it.each(['nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x', 'nodejs22.x'])(
    'runs %s with a warning naming both versions',
    (runtime) => {
      expect(runtimeSupport(runtime, undefined, '24.3.0')).toEqual({
        served: true,
        warning: `runtime ${runtime} runs on Node.js 24.3.0 here`,
      });
    },
  );

  it.each(['python3.12', 'java21', 'dotnet8', 'ruby3.3', 'provided.al2023', 'nodejs'])('refuses %s', (runtime) => {
    expect(runtimeSupport(runtime, 'Zip', '24.3.0')).toEqual({
      served: false,
      reason: `runtime ${runtime} is not run locally (only Node.js runtimes are)`,
    });
  });

  it('refuses a container image, whatever else the template says', () => {
    expect(runtimeSupport(undefined, 'Image', '24.3.0')).toEqual({
      served: false,
      reason: 'a container image (PackageType Image) is not run locally',
    });
  });
});
