import { parseImagesRequest } from '../../api/controlApiImages';

describe('parseImagesRequest (GET /api/v1/images)', () => {
  const parse = (query: string) => parseImagesRequest(new URLSearchParams(query));

  it('reads filter and dangling', () => {
    expect(parse('')).toEqual({});
    expect(parse('filter=app%3A*&dangling=true')).toEqual({ filter: 'app:*', dangling: true });
    expect(parse('dangling=false')).toEqual({});
  });

  it('names every bad parameter and its value', () => {
    expect(() => parse('filtr=x&dangling=yes&filter=')).toThrow(
      '"filtr": unknown parameter (did you mean "filter"?); filter: "" is not a repository:tag word (1 to 256 characters); dangling: "yes" is not true or false',
    );
    expect(() => parse('filter=a&filter=b')).toThrow('filter: given more than once');
    expect(() => parse(`filter=${'a'.repeat(300)}`)).toThrow(/^filter: "a{80}…" is not a repository:tag word/);
  });
});
