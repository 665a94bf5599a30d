export const id = 735;
export const ids = [735];
export const modules = {

/***/ 3735:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubDeployment: () => (/* binding */ createGitHubDeployment)
/* harmony export */ });
/** Creates the deployment; its first status is in_progress. The token needs `deployments: write`. */
async function createGitHubDeployment(token, repository, record) {
    const { getOctokit } = await __webpack_require__.e(/* import() */ 918).then(__webpack_require__.bind(__webpack_require__, 1918));
    const octokit = getOctokit(token);
    const [owner, repo] = repository.split('/');
    const created = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: record.sha,
        environment: record.environment,
        payload: record.payload,
        description: record.description,
        // The deploy gate already checked what matters (the signature); commit statuses are not this deploy's gate.
        auto_merge: false,
        required_contexts: [],
        production_environment: record.production,
    });
    if (created.status !== 201 || !('id' in created.data))
        throw new Error(`GitHub did not create the deployment (${created.status})`);
    const id = created.data.id;
    const setStatus = async (state, description) => {
        await octokit.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: id,
            state,
            description: description.slice(0, 140),
            ...(record.environmentUrl && state === 'success' ? { environment_url: record.environmentUrl } : {}),
            ...(record.logUrl ? { log_url: record.logUrl } : {}),
        });
    };
    await setStatus('in_progress', record.description);
    return { id, setStatus };
}


/***/ })

};
