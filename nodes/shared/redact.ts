/**
 * The ApiKey/SecretKey travel in query strings and bodies, so any text that might echo a request
 * (an error from the HTTP layer, an eSMS ErrorMessage) is scrubbed before it reaches the user.
 */

const KEY_PARAM = /((?:api|secret)[_-]?key["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi;
const URL_QUERY = /(https?:\/\/[^\s?#"']+)\?[^\s#"']*/gi;

export function redactSecrets(text: string, secrets: Array<string | undefined> = []): string {
	let result = text.replace(URL_QUERY, '$1?…').replace(KEY_PARAM, '$1***');
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		result = result.split(secret).join('***');
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) result = result.split(encoded).join('***');
	}
	return result;
}
