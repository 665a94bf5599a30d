import { run } from '@deliverkit/action-kit';
import { main } from './main';

await run(main);
